import { MergedTable } from "./merged-table.ts";
import type { AsRead, MergeMeta } from "./rows.ts";

export interface ScoreRow extends MergeMeta {
  timestamp: string;
  environment: string;
  trace_id: string | null;
  observation_id: string | null;
  session_id: string | null;
  dataset_run_id: string | null;
  name: string;
  value: number;
  string_value: string | null;
  long_string_value: string;
  data_type: string;
  source: string;
  comment: string | null;
  metadata: Record<string, string>;
  author_user_id: string | null;
  config_id: string | null;
  queue_id: string | null;
  execution_trace_id: string | null;
  ingestion_public_key: string;
  ingestion_sdk_name: string;
  ingestion_sdk_version: string;
}

export type StoredScore = AsRead<ScoreRow>;

/** Sorted by (project_id, timestamp, id), partitioned by month of `timestamp` (0001_tracing.sql). */
export const scores = new MergedTable({ name: "scores", time: "timestamp", traceColumn: "trace_id", traceHashInKey: false });

/** The data types the v1 score shapes have (corrections came later). */
export const V1_SCORE_DATA_TYPES = ["NUMERIC", "BOOLEAN", "CATEGORICAL", "TEXT"];
