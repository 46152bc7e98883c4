import type { Score, ScoreV3, ScoreV3FieldGroup } from "@wick/contracts";
import { isoFromClickHouse, type StoredScore } from "@wick/clickhouse";
import { parseStoredMetadata } from "@wick/tracing-reads";

type DataType = Score["dataType"];
type Source = Score["source"];

/** The v2 `stringValue`: nothing for NUMERIC, the correction text for CORRECTION, else the stored text. */
function stringValue(row: StoredScore): string | null {
  if (row.data_type === "NUMERIC") return null;
  return row.data_type === "CORRECTION" ? row.long_string_value : row.string_value;
}

/** A score in the v2 shape (`GET /v2/scores/{id}`, and list items before their trace). */
export function scoreV2View(row: StoredScore): Score {
  return {
    id: row.id,
    projectId: row.project_id,
    environment: row.environment,
    name: row.name,
    dataType: row.data_type as DataType,
    source: row.source as Source,
    ...(row.data_type === "TEXT" ? {} : { value: Number(row.value) }),
    stringValue: stringValue(row),
    authorUserId: row.author_user_id,
    comment: row.comment,
    configId: row.config_id,
    queueId: row.queue_id,
    executionTraceId: row.execution_trace_id,
    metadata: parseStoredMetadata(row.metadata),
    timestamp: isoFromClickHouse(row.timestamp),
    createdAt: isoFromClickHouse(row.created_at),
    updatedAt: isoFromClickHouse(row.updated_at),
    traceId: row.trace_id,
    observationId: row.observation_id,
    sessionId: row.session_id,
    datasetRunId: row.dataset_run_id,
  };
}

/** The v3 `value`: typed by the data type (a boolean for BOOLEAN, text for the string types). */
function v3Value(row: StoredScore): number | boolean | string {
  switch (row.data_type) {
    case "NUMERIC":
      return Number(row.value);
    case "BOOLEAN":
      return Number(row.value) === 1;
    case "CORRECTION":
      return row.long_string_value;
    default:
      return row.string_value ?? "";
  }
}

/** What the score is about; a dataset run wins, then an observation, then a session, else the trace. */
function subject(row: StoredScore): NonNullable<ScoreV3["subject"]> {
  if (row.dataset_run_id) return { kind: "experiment", id: row.dataset_run_id };
  if (row.observation_id) return { kind: "observation", id: row.observation_id, traceId: row.trace_id };
  if (row.session_id) return { kind: "session", id: row.session_id };
  return { kind: "trace", id: row.trace_id ?? "" };
}

/** A v3 item: the core keys, plus the keys of each requested group and no others. */
export function scoreV3View(row: StoredScore, groups: Set<ScoreV3FieldGroup>): ScoreV3 {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    dataType: row.data_type as DataType,
    value: v3Value(row),
    source: row.source as Source,
    timestamp: isoFromClickHouse(row.timestamp),
    environment: row.environment,
    createdAt: isoFromClickHouse(row.created_at),
    updatedAt: isoFromClickHouse(row.updated_at),
    ...(groups.has("details") ? { comment: row.comment, configId: row.config_id, metadata: parseStoredMetadata(row.metadata) } : {}),
    ...(groups.has("annotation") ? { authorUserId: row.author_user_id, queueId: row.queue_id } : {}),
    ...(groups.has("subject") ? { subject: subject(row) } : {}),
  };
}
