import type { SpanRecord } from "../span-record.ts";
import { asText, isTruthy, parseJson } from "./values.ts";

/** The observation name (otel.md 4.1): tool, Genkit, Logfire and AI SDK names before the span name. */
export function observationName(span: SpanRecord): string {
  const { attributes } = span;
  if (isTruthy(attributes["gen_ai.tool.name"])) return asText(attributes["gen_ai.tool.name"]);
  if ("genkit:name" in attributes) return asText(attributes["genkit:name"]);
  if (isTruthy(attributes["logfire.msg"])) return asText(attributes["logfire.msg"]);
  if ("ai.toolCall.name" in attributes) return asText(attributes["ai.toolCall.name"]);
  if ("ai.operationId" in attributes) {
    const functionId = attributes["ai.telemetry.functionId"];
    const operation = asText(attributes["ai.operationId"]);
    return isTruthy(functionId) ? `${asText(functionId)}:${operation}` : operation;
  }
  return span.name;
}

function asDate(value: unknown): string | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * When the first token arrived: the Langfuse attribute (the SDKs send it JSON-quoted), else the
 * AI SDK's milliseconds-to-first-chunk added to the start time.
 */
export function completionStartTime(span: SpanRecord): string | undefined {
  const explicit = span.attributes["langfuse.observation.completion_start_time"];
  if (explicit !== undefined && explicit !== null) {
    const date = asDate(explicit) ?? asDate(parseJson(explicit));
    if (date) return date;
  }
  const msToFirstChunk = Number(span.attributes["ai.response.msToFirstChunk"] ?? span.attributes["ai.stream.msToFirstChunk"]);
  return Number.isFinite(msToFirstChunk) ? new Date(span.startMs + Math.ceil(msToFirstChunk)).toISOString() : undefined;
}
