import { traces, type TraceRow } from "@wick/clickhouse";
import { normalizeEnvironment } from "../environment.ts";
import { foldTrace } from "../fold/trace.ts";
import { metadataObject } from "../json-values.ts";
import { sentFields, type EntityKindDefinition, type Folded } from "./entity-kind.ts";

const OMITTED = new Set(["environment", "externalId"]);

export const traceKind: EntityKindDefinition<"trace", Folded<TraceRow>> = {
  kind: "trace",
  eventTypes: ["trace-create"],
  table: traces,
  normalize(event, envelope) {
    if (event.type !== "trace-create") return undefined;
    const { body } = event;
    if (!body.id) return undefined;
    return {
      entityId: body.id,
      event: {
        ...envelope,
        body: {
          ...sentFields(body, OMITTED),
          environment: normalizeEnvironment(body.environment),
          timestamp: body.timestamp ?? event.timestamp,
          metadata: metadataObject(body.metadata),
        },
      },
    };
  },
  fold: (projectId, entityId, events) => ({ row: foldTrace(projectId, entityId, events) }),
  sessionOf: (row) => (row.session_id ? { project_id: row.project_id, id: row.session_id, created_at: row.created_at, environment: row.environment } : undefined),
};
