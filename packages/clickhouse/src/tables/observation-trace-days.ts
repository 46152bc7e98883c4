import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows } from "../query/statements.ts";
import type { BoundCondition } from "./merged-table.ts";
import { OBSERVATION_TRACE_KIND } from "./raw-events.ts";

/**
 * The log entries filing observations under the traces a parameter names, of the project
 * `{projectId:String}`: `{traceIds:Array(String)}` or `[{traceId:String}]`. The sort key of
 * `raw_events` starts with (project, kind, entity), so this is a lookup by key.
 */
const entriesOf = (traceIds: string) => `FROM raw_events WHERE project_id = {projectId:String} AND entity_kind = '${OBSERVATION_TRACE_KIND}' AND entity_id IN ${traceIds}`;

/**
 * The UTC days of start that hold observations of each trace, from the entries the event log keeps
 * for them (0012_observation_trace_entries.sql): always a superset, since an observation's entry
 * is logged before any row of it is written, and nothing but retention and project deletion
 * removes entries.
 */
export const observationTraceDays = {
  /** The distinct days (`YYYY-MM-DD`) of these traces' observations, oldest first. */
  async daysOf(client: ClickHouseClient, projectId: string, traceIds: readonly string[]): Promise<string[]> {
    const rows = await selectRows<{ day: string }>(client, {
      name: "raw_events.days-of-traces",
      sql: `SELECT DISTINCT toString(toDate32(event_ts)) AS day ${entriesOf("{traceIds:Array(String)}")} ORDER BY day`,
      params: { projectId, traceIds },
    });
    return rows.map((row) => row.day);
  },

  /**
   * A condition on observations that keeps to `days` (as `daysOf` gives them), bound as values.
   * ClickHouse narrows the read to those days by the sort key on `start_time`, however far apart
   * they lie.
   */
  onDays(days: readonly string[]): BoundCondition {
    return { sql: "toDate32(start_time) IN {traceDays:Array(Date32)}", params: { traceDays: days } };
  },

  /**
   * A condition on observations that keeps to the days holding observations of the traces
   * `traceIds` names, bound by `{projectId:String}`: the same narrowing, with the days looked up
   * in the statement. With no entry the traces have no observations, and nothing matches.
   */
  withinDaysOf(traceIds: string): string {
    return `toDate32(start_time) IN (SELECT toDate32(event_ts) ${entriesOf(traceIds)})`;
  },
};
