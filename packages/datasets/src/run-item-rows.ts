import { clickHouseInstant, type DatasetRunItemRow } from "@wick/clickhouse";
import type { DatasetRunRow } from "@wick/postgres";
import type { ItemVersion } from "./repository.ts";

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The metadata a run is created with, as upstream shapes it: an object as sent, any other value
 * under the key `metadata`, nothing as `{}`; linking to an item version records it as
 * `dataset_version`.
 */
export function runMetadata(sent: unknown, datasetVersion: Date | null | undefined): Record<string, unknown> {
  const metadata: Record<string, unknown> = sent == null ? {} : isObject(sent) ? { ...sent } : { metadata: sent };
  if (datasetVersion) metadata.dataset_version = datasetVersion.toISOString();
  return metadata;
}

/** A JSON value as the string map ClickHouse keeps metadata in: an object's keys, another value under `metadata`. */
function metadataMap(value: unknown): Record<string, string> {
  if (value == null) return {};
  const entries = isObject(value) ? Object.entries(value) : [["metadata", value] as const];
  return Object.fromEntries(entries.map(([key, entry]) => [key, typeof entry === "string" ? entry : JSON.stringify(entry)]));
}

const jsonText = (value: unknown) => (value == null ? null : JSON.stringify(value));

export interface RunItemLink {
  id: string;
  traceId: string;
  observationId: string | null;
  createdAt: Date;
}

/** The stored row of a run item: the link, with the run and the item version as they are now. */
export function runItemRow(run: DatasetRunRow, item: ItemVersion, link: RunItemLink): DatasetRunItemRow {
  const at = clickHouseInstant(link.createdAt);
  return {
    project_id: run.projectId,
    id: link.id,
    dataset_id: run.datasetId,
    dataset_run_id: run.id,
    dataset_item_id: item.id,
    trace_id: link.traceId,
    observation_id: link.observationId,
    created_at: at,
    updated_at: at,
    dataset_run_name: run.name,
    dataset_run_description: run.description,
    dataset_run_metadata: metadataMap(run.metadata),
    dataset_run_created_at: clickHouseInstant(run.createdAt),
    dataset_item_input: jsonText(item.input),
    dataset_item_expected_output: jsonText(item.expectedOutput),
    dataset_item_metadata: metadataMap(item.metadata),
    dataset_item_version: clickHouseInstant(item.validFrom),
  };
}
