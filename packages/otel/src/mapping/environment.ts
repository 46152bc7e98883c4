import type { SpanRecord } from "../span-record.ts";
import { asText, isTruthy } from "./values.ts";

const ENVIRONMENT_KEYS = ["langfuse.environment", "deployment.environment.name", "deployment.environment"];

/**
 * The raw environment (otel.md 4.4): per key, the span attribute before the resource attribute.
 * Ingestion normalises it (lower case, `langfuse` prefixes stripped, `default` when invalid).
 */
export function rawEnvironment(span: SpanRecord): unknown {
  for (const key of ENVIRONMENT_KEYS) {
    if (isTruthy(span.attributes[key])) return span.attributes[key];
    if (isTruthy(span.resourceAttributes[key])) return span.resourceAttributes[key];
  }
  return undefined;
}

const textOf = (value: unknown) => (value === undefined || value === null ? undefined : asText(value));

/** Trace release: the span's `langfuse.release`, else the resource's. */
export const release = (span: SpanRecord) => textOf(span.attributes["langfuse.release"] ?? span.resourceAttributes["langfuse.release"]);

/** Observation and trace version: `langfuse.version`, else the resource's `service.version`. */
export const version = (span: SpanRecord) => textOf(span.attributes["langfuse.version"] ?? span.resourceAttributes["service.version"]);
