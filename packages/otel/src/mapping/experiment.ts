import type { SpanColumns } from "@wick/ingestion";
import { isStorable } from "../decode/timestamps.ts";
import type { Attributes, SpanRecord } from "../span-record.ts";
import { asText, isRecord, parseJson } from "./values.ts";

type ExperimentColumns = Pick<
  SpanColumns,
  | "experimentId"
  | "experimentName"
  | "experimentDescription"
  | "experimentDatasetId"
  | "experimentItemId"
  | "experimentItemRootSpanId"
  | "experimentItemExpectedOutput"
  | "experimentItemVersion"
  | "experimentMetadata"
  | "experimentItemMetadata"
>;

const TEXT_ATTRIBUTES = {
  experimentId: "langfuse.experiment.id",
  experimentName: "langfuse.experiment.name",
  experimentDescription: "langfuse.experiment.description",
  experimentDatasetId: "langfuse.experiment.dataset.id",
  experimentItemId: "langfuse.experiment.item.id",
  experimentItemRootSpanId: "langfuse.experiment.item.root_observation_id",
  experimentItemExpectedOutput: "langfuse.experiment.item.expected_output",
} as const;

/** An ISO 8601 date, optionally with a time and a zone (Python's space separator is read as `T`). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A dataset item version is a point in time: kept only when it reads as one that storage holds
 * (`"v1"` or Python's `"None"` are dropped). A time without a zone is read as UTC.
 */
function itemVersion(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim().replace(" ", "T");
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  // JavaScript reads a date-time without a zone as local time; a bare date it reads as UTC already.
  const ms = Date.parse(text.includes("T") && match[1] === undefined ? `${text}Z` : text);
  return Number.isNaN(ms) || !isStorable(ms) ? undefined : new Date(ms).toISOString();
}

/** Nested objects as dot paths to string leaves (arrays and other values as their text). */
function flatten(value: unknown, path: string, into: Record<string, string>): void {
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, path ? `${path}.${key}` : key, into);
  } else if (path) {
    into[path] = asText(value);
  }
}

/** The JSON object under `key`, flattened, then each `key.<name>` attribute raw, which wins. */
function flattenedMetadata(attributes: Attributes, key: string): Record<string, string> | undefined {
  const metadata: Record<string, string> = {};
  const blob = typeof attributes[key] === "string" ? parseJson(attributes[key]) : attributes[key];
  if (isRecord(blob)) flatten(blob, "", metadata);
  const prefix = `${key}.`;
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith(prefix) && value !== undefined && value !== null) metadata[name.slice(prefix.length)] = asText(value);
  }
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

/** The experiment item a span ran for (otel.md 4.11), from its `langfuse.experiment.*` attributes. */
export function experimentColumns(span: SpanRecord): ExperimentColumns {
  const { attributes } = span;
  const columns: ExperimentColumns = {};
  for (const [field, key] of Object.entries(TEXT_ATTRIBUTES)) {
    const value = attributes[key];
    if (value !== undefined && value !== null && value !== "") columns[field as keyof typeof TEXT_ATTRIBUTES] = asText(value);
  }
  const version = itemVersion(attributes["langfuse.experiment.item.version"]);
  if (version) columns.experimentItemVersion = version;
  const metadata = flattenedMetadata(attributes, "langfuse.experiment.metadata");
  if (metadata) columns.experimentMetadata = metadata;
  const itemMetadata = flattenedMetadata(attributes, "langfuse.experiment.item.metadata");
  if (itemMetadata) columns.experimentItemMetadata = itemMetadata;
  return columns;
}
