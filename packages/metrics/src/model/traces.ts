import { observationsPerTrace, scoresPerTrace } from "./relations.ts";
import { traces } from "@wick/clickhouse";
import { monthOf } from "./months.ts";
import { defineView } from "./types.ts";

/** v1 only. Measures are per trace: observation and score figures come pre-aggregated per trace id. */
export const tracesV1 = defineView({
  name: "traces",
  table: traces,
  alias: "t",
  dimensions: {
    id: { sql: "t.id", type: "string" },
    name: { sql: "t.name", type: "string" },
    tags: { sql: "t.tags", type: "string[]" },
    userId: { sql: "t.user_id", type: "string" },
    sessionId: { sql: "t.session_id", type: "string" },
    release: { sql: "t.release", type: "string" },
    version: { sql: "t.version", type: "string" },
    environment: { sql: "t.environment", type: "string" },
    timestampMonth: { sql: monthOf("t.timestamp"), type: "string" },
  },
  measures: {
    count: { sql: "1", type: "integer" },
    observationsCount: { sql: "ot.observations", type: "integer", relation: "observations" },
    scoresCount: { sql: "st.scores", type: "integer", relation: "scores" },
    // The reference counts distinct ids per trace, then aggregates across traces: 1 when the trace
    // has a user (or session), else 0, so `sum` counts traces with one rather than distinct users.
    uniqueUserIds: { sql: "toUInt64(t.user_id IS NOT NULL)", type: "integer" },
    uniqueSessionIds: { sql: "toUInt64(t.session_id IS NOT NULL)", type: "integer" },
    latency: { sql: "ot.latency", type: "integer", relation: "observations" },
    totalTokens: { sql: "ot.total_tokens", type: "integer", relation: "observations" },
    totalCost: { sql: "ot.total_cost", type: "decimal", relation: "observations" },
  },
  relations: {
    observations: observationsPerTrace,
    scores: scoresPerTrace,
  },
});
