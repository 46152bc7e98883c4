import { MergedTable } from "./merged-table.ts";
import type { AsRead, MergeMeta } from "./rows.ts";

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

export type StoredObservation = AsRead<ObservationRow>;

/** Sorted by (project_id, start_time, xxHash32(trace_id), id), partitioned by month of `start_time` (0001_tracing.sql). */
export const observations = new MergedTable({ name: "observations", time: "start_time", traceColumn: "trace_id", traceHashInKey: true });
