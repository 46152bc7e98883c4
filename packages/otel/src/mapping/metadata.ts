import type { Attributes, SpanRecord } from "../span-record.ts";
import { isTruthy, parseJson } from "./values.ts";

type Domain = "observation" | "trace";
type Metadata = Record<string, unknown>;

const AI_SDK_RESERVED = new Set(["ai.telemetry.metadata.userId", "ai.telemetry.metadata.sessionId", "ai.telemetry.metadata.tags", "ai.telemetry.metadata.langfusePrompt"]);

/** Keys that are input/output (otel.md 4.9) and so never repeated in `metadata.attributes`. */
const IO_KEYS = new Set([
  "langfuse.trace.input",
  "langfuse.trace.output",
  "langfuse.observation.input",
  "langfuse.observation.output",
  "ai.prompt.messages",
  "ai.prompt",
  "ai.toolCall.args",
  "ai.response.text",
  "ai.result.text",
  "ai.toolCall.result",
  "ai.response.object",
  "ai.result.object",
  "ai.response.toolCalls",
  "ai.result.toolCalls",
  "gcp.vertex.agent.llm_request",
  "gcp.vertex.agent.llm_response",
  "gcp.vertex.agent.tool_call_args",
  "gcp.vertex.agent.tool_response",
  "prompt",
  "all_messages_events",
  "events",
  "lk.input_text",
  "lk.user_transcript",
  "lk.chat_ctx",
  "lk.user_input",
  "lk.function_tool.output",
  "lk.response.text",
  "mlflow.spanInputs",
  "mlflow.spanOutputs",
  "traceloop.entity.input",
  "traceloop.entity.output",
  "input.value",
  "output.value",
  "final_result",
  "pydantic_ai.all_messages",
  "gen_ai.system_instructions",
  "input",
  "output",
  "gen_ai.input.messages",
  "gen_ai.output.messages",
  "gen_ai.tool.call.arguments",
  "gen_ai.tool.call.result",
  "genkit:input",
  "genkit:output",
  "flue.turn.input",
  "flue.turn.output",
  "flue.tool.arguments",
  "flue.tool.result",
  "flue.task.prompt",
  "flue.task.result",
  "flue.operation.result",
  "flue.workflow.payload",
  "flue.workflow.result",
]);
const IO_PREFIXES = [
  "gen_ai.prompt",
  "gen_ai.completion",
  "llm.input_messages",
  "llm.output_messages",
  "langfuse.trace.metadata",
  "langfuse.observation.metadata",
  "ai.telemetry.metadata",
];

/**
 * User metadata of one domain (otel.md 5.1): the JSON object under `langfuse.<domain>.metadata`
 * (or `langfuse.metadata`), then dotted keys, whose raw values win and are not JSON-decoded.
 */
export function userMetadata(domain: Domain, attributes: Attributes): Metadata {
  const primary = `langfuse.${domain}.metadata`;
  const base = isTruthy(attributes[primary]) ? attributes[primary] : attributes["langfuse.metadata"];
  const decoded = typeof base === "string" ? parseJson(base) : base;
  const metadata: Metadata = decoded !== null && typeof decoded === "object" ? { ...decoded } : {};
  for (const [key, value] of Object.entries(attributes)) {
    for (const prefix of [`${primary}.`, "langfuse.metadata.", "ai.telemetry.metadata."]) {
      if (key.startsWith(prefix) && !AI_SDK_RESERVED.has(key)) metadata[key.slice(prefix.length)] = value;
    }
  }
  return metadata;
}

/** Span attributes for `metadata.attributes`: all but input/output keys, non-strings as JSON. */
export function attributesSection(span: SpanRecord): Record<string, string> | undefined {
  if (span.scope.name?.startsWith("langfuse-sdk")) return undefined;
  const section: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (IO_KEYS.has(key) || IO_PREFIXES.some((prefix) => key.startsWith(prefix))) continue;
    section[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return section;
}

/** Every span of a resource shares its attributes object: its metadata is read once. */
const resourceMetadataCache = new WeakMap<Attributes, Metadata>();
function resourceMetadata(span: SpanRecord): Metadata {
  let metadata = resourceMetadataCache.get(span.resourceAttributes);
  if (!metadata) {
    metadata = userMetadata("trace", span.resourceAttributes);
    resourceMetadataCache.set(span.resourceAttributes, metadata);
  }
  return metadata;
}

/** `resourceAttributes` and `scope`, the provenance every record carries. */
function provenance(span: SpanRecord): Metadata {
  return { resourceAttributes: span.resourceAttributes, scope: { name: span.scope.name, version: span.scope.version, attributes: span.scope.attributes } };
}

const withAttributes = (span: SpanRecord): Metadata => {
  const section = attributesSection(span);
  return section ? { attributes: section } : {};
};

/** Observation metadata (otel.md 5.3): resource metadata, user metadata, then provenance. */
export function observationMetadata(span: SpanRecord): Metadata {
  return { ...resourceMetadata(span), ...userMetadata("observation", span.attributes), ...withAttributes(span), ...provenance(span) };
}

/** Trace metadata from a root span: its trace and observation metadata and its attributes. */
export function rootTraceMetadata(span: SpanRecord): Metadata {
  return {
    ...resourceMetadata(span),
    ...userMetadata("trace", span.attributes),
    ...userMetadata("observation", span.attributes),
    ...withAttributes(span),
    ...provenance(span),
  };
}

/** Trace metadata from another span that updates the trace: no span attributes. */
export function updateTraceMetadata(span: SpanRecord): Metadata {
  return { ...resourceMetadata(span), ...userMetadata("trace", span.attributes), ...provenance(span) };
}
