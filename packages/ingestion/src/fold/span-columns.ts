import type { ObservationRow } from "@wick/clickhouse";
import type { Attribution, LoggedEvent } from "../events.ts";
import type { SpanColumns } from "../span-columns.ts";

type SpanColumnFields = Pick<
  ObservationRow,
  | "tool_definitions"
  | "tool_calls"
  | "tool_call_names"
  | "is_app_root"
  | "experiment_id"
  | "experiment_name"
  | "experiment_description"
  | "experiment_dataset_id"
  | "experiment_item_id"
  | "experiment_item_root_span_id"
  | "experiment_item_expected_output"
  | "experiment_item_version"
  | "experiment_metadata_names"
  | "experiment_metadata_values"
  | "experiment_item_metadata_names"
  | "experiment_item_metadata_values"
>;

const TEXT_COLUMNS = {
  experimentId: "experiment_id",
  experimentName: "experiment_name",
  experimentDescription: "experiment_description",
  experimentDatasetId: "experiment_dataset_id",
  experimentItemId: "experiment_item_id",
  experimentItemRootSpanId: "experiment_item_root_span_id",
  experimentItemExpectedOutput: "experiment_item_expected_output",
} as const;

const hasEntries = (value: object | undefined): value is object => value !== undefined && Object.keys(value).length > 0;

/**
 * The span columns of an observation's events in fold order: for each, the latest non-empty value
 * an OTLP event stated, as the other overwritten fields; events from the ingestion API state none.
 */
export function foldSpanColumns(ordered: LoggedEvent[]): SpanColumnFields {
  const fields: SpanColumnFields = {
    tool_definitions: {},
    tool_calls: [],
    tool_call_names: [],
    is_app_root: false,
    experiment_id: "",
    experiment_name: "",
    experiment_description: "",
    experiment_dataset_id: "",
    experiment_item_id: "",
    experiment_item_root_span_id: "",
    experiment_item_expected_output: "",
    experiment_item_version: null,
    experiment_metadata_names: [],
    experiment_metadata_values: [],
    experiment_item_metadata_names: [],
    experiment_item_metadata_values: [],
  };
  for (const { body } of ordered) {
    const stated = body.otel as SpanColumns | undefined;
    if (!stated) continue;
    if (hasEntries(stated.toolDefinitions)) fields.tool_definitions = stated.toolDefinitions;
    if (hasEntries(stated.toolCalls)) fields.tool_calls = stated.toolCalls;
    if (hasEntries(stated.toolCallNames)) fields.tool_call_names = stated.toolCallNames;
    if (stated.isAppRoot) fields.is_app_root = true;
    for (const [field, column] of Object.entries(TEXT_COLUMNS)) {
      const value = stated[field as keyof typeof TEXT_COLUMNS];
      if (value) fields[column] = value;
    }
    if (stated.experimentItemVersion) fields.experiment_item_version = stated.experimentItemVersion;
    if (hasEntries(stated.experimentMetadata)) {
      fields.experiment_metadata_names = Object.keys(stated.experimentMetadata);
      fields.experiment_metadata_values = Object.values(stated.experimentMetadata);
    }
    if (hasEntries(stated.experimentItemMetadata)) {
      fields.experiment_item_metadata_names = Object.keys(stated.experimentItemMetadata);
      fields.experiment_item_metadata_values = Object.values(stated.experimentItemMetadata);
    }
  }
  return fields;
}

/** Defaults of the attribution columns, for events folded without the log that records it. */
const UNATTRIBUTED: Attribution = { publicKey: "", sdkName: "unknown", sdkVersion: "unknown" };

/** Which key and SDK sent the latest event in fold order (the event log records it per event). */
export function foldAttribution(ordered: LoggedEvent[]): Pick<ObservationRow, "ingestion_public_key" | "ingestion_sdk_name" | "ingestion_sdk_version"> {
  const attribution = ordered.findLast((event) => event.attribution)?.attribution ?? UNATTRIBUTED;
  return { ingestion_public_key: attribution.publicKey, ingestion_sdk_name: attribution.sdkName, ingestion_sdk_version: attribution.sdkVersion };
}
