/**
 * Rows of the merged tracing tables (migrations/clickhouse), in the column names and JSON shapes
 * `JSONEachRow` takes: what ingestion writes and, through `AsRead`, what reads get back.
 */

export interface MergeMeta {
  project_id: string;
  id: string;
  created_at: string;
  updated_at: string;
  /** How many distinct events the row was folded from; the ReplacingMergeTree keeps the largest. */
  merge_version: number;
}

export interface TraceRow extends MergeMeta {
  timestamp: string;
  name: string | null;
  user_id: string | null;
  session_id: string | null;
  release: string | null;
  version: string | null;
  environment: string;
  public: boolean;
  bookmarked: boolean;
  tags: string[];
  metadata: Record<string, string>;
  input: string | null;
  output: string | null;
}

/** A session as first seen on a trace (migrations/clickhouse/0002_sessions.sql). */
export interface SessionRow {
  project_id: string;
  id: string;
  created_at: string;
  environment: string;
}

export interface ObservationRow extends MergeMeta {
  trace_id: string;
  type: string;
  parent_observation_id: string | null;
  start_time: string;
  end_time: string | null;
  completion_start_time: string | null;
  name: string | null;
  level: string;
  status_message: string | null;
  version: string | null;
  environment: string;
  metadata: Record<string, string>;
  input: string | null;
  output: string | null;
  provided_model_name: string | null;
  internal_model_id: string | null;
  model_parameters: string | null;
  provided_usage_details: Record<string, number>;
  usage_details: Record<string, number>;
  provided_cost_details: Record<string, number>;
  cost_details: Record<string, number>;
  total_cost: number | null;
  usage_pricing_tier_id: string | null;
  usage_pricing_tier_name: string | null;
  prompt_id: string | null;
  prompt_name: string | null;
  prompt_version: number | null;
  /** Tool name → JSON `{description, parameters}` of the tools the model was offered. */
  tool_definitions: Record<string, string>;
  /** JSON of each tool call the output asks for; `tool_call_names` names them in the same order. */
  tool_calls: string[];
  tool_call_names: string[];
  /** The SDK's root of the application's trace, even when its span has an external parent. */
  is_app_root: boolean;
  experiment_id: string;
  experiment_name: string;
  experiment_description: string;
  experiment_dataset_id: string;
  experiment_item_id: string;
  experiment_item_root_span_id: string;
  experiment_item_expected_output: string;
  experiment_item_version: string | null;
  experiment_metadata_names: string[];
  experiment_metadata_values: string[];
  experiment_item_metadata_names: string[];
  experiment_item_metadata_values: string[];
  ingestion_public_key: string;
  ingestion_sdk_name: string;
  ingestion_sdk_version: string;
}

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

/** A row as `JSONEachRow` returns it: 64-bit integers and decimals may arrive as strings. */
export type AsRead<Row> = {
  [Column in keyof Row]: Row[Column] extends number
    ? number | string
    : Row[Column] extends number | null
      ? number | string | null
      : Row[Column] extends Record<string, number>
        ? Record<string, number | string>
        : Row[Column];
};

export type StoredTrace = AsRead<TraceRow>;
export type StoredObservation = AsRead<ObservationRow>;
export type StoredScore = AsRead<ScoreRow>;
