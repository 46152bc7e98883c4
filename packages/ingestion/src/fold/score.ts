import type { Attribution, LoggedEvent } from "../events.ts";
import { storedMetadata, type JsonObject } from "../json-values.ts";
import type { ScoreRow } from "@wick/clickhouse";
import { foldOrder, seenTimes } from "./order.ts";

const OVERWRITTEN = {
  observationId: "observation_id",
  sessionId: "session_id",
  datasetRunId: "dataset_run_id",
  comment: "comment",
  configId: "config_id",
  queueId: "queue_id",
  executionTraceId: "execution_trace_id",
} as const;

/**
 * How each data type stores its value (`value`, `string_value`, `long_string_value`).
 * `categoryValue` is the number a score config gave a CATEGORICAL label when it was acknowledged.
 */
function storedValue(dataType: string, value: unknown, categoryValue: unknown): Pick<ScoreRow, "value" | "string_value" | "long_string_value"> {
  switch (dataType) {
    case "NUMERIC":
      return { value: value as number, string_value: null, long_string_value: "" };
    case "BOOLEAN":
      return { value: value as number, string_value: value === 1 ? "True" : "False", long_string_value: "" };
    case "CORRECTION":
      return { value: 0, string_value: null, long_string_value: value as string };
    case "CATEGORICAL":
      return { value: typeof categoryValue === "number" ? categoryValue : 0, string_value: value as string, long_string_value: "" };
    default:
      // TEXT
      return { value: 0, string_value: value as string, long_string_value: "" };
  }
}

/** The score described by a set of score-create events; `attribution` is the latest event's. */
export function foldScore(projectId: string, id: string, events: LoggedEvent[], attribution: Attribution): ScoreRow {
  const ordered = foldOrder(events);
  const first = ordered[0]!;
  const row = {
    project_id: projectId,
    id,
    timestamp: first.timestamp,
    environment: first.body.environment as string,
    trace_id: (first.body.traceId as string | null | undefined) ?? null,
    observation_id: null,
    session_id: null,
    dataset_run_id: null,
    comment: null,
    config_id: null,
    queue_id: null,
    execution_trace_id: null,
    author_user_id: null,
    ingestion_public_key: attribution.publicKey,
    ingestion_sdk_name: attribution.sdkName,
    ingestion_sdk_version: attribution.sdkVersion,
    ...seenTimes(ordered),
    merge_version: ordered.length,
  } as ScoreRow;
  let metadata: JsonObject = {};
  for (const { body } of ordered) {
    for (const [field, column] of Object.entries(OVERWRITTEN)) {
      if (field in body) row[column] = (body[field] as string | null) ?? null;
    }
    row.name = body.name as string;
    row.data_type = body.dataType as string;
    row.source = body.source as string;
    Object.assign(row, storedValue(row.data_type, body.value, body.categoryValue));
    metadata = { ...metadata, ...(body.metadata as JsonObject) };
  }
  row.metadata = storedMetadata(metadata);
  return row;
}
