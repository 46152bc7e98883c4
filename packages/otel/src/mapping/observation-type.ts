import type { SpanRecord } from "../span-record.ts";
import { isNonEmpty } from "./values.ts";

export type ObservationType = "SPAN" | "GENERATION" | "EVENT" | "EMBEDDING" | "AGENT" | "TOOL" | "CHAIN" | "RETRIEVER" | "GUARDRAIL" | "EVALUATOR";

type Rule = (span: SpanRecord) => ObservationType | undefined;

const LANGFUSE_TYPES: Record<string, ObservationType> = {
  span: "SPAN",
  generation: "GENERATION",
  event: "EVENT",
  embedding: "EMBEDDING",
  agent: "AGENT",
  tool: "TOOL",
  chain: "CHAIN",
  retriever: "RETRIEVER",
  guardrail: "GUARDRAIL",
  evaluator: "EVALUATOR",
};
const OPENINFERENCE_KINDS: Record<string, ObservationType> = {
  CHAIN: "CHAIN",
  RETRIEVER: "RETRIEVER",
  LLM: "GENERATION",
  EMBEDDING: "EMBEDDING",
  AGENT: "AGENT",
  TOOL: "TOOL",
  GUARDRAIL: "GUARDRAIL",
  EVALUATOR: "EVALUATOR",
};
const GEN_AI_OPERATIONS: Record<string, ObservationType> = {
  chat: "GENERATION",
  completion: "GENERATION",
  text_completion: "GENERATION",
  generate_content: "GENERATION",
  generate: "GENERATION",
  embeddings: "EMBEDDING",
  invoke_agent: "AGENT",
  create_agent: "AGENT",
  execute_tool: "TOOL",
};
const GENKIT_SUBTYPES: Record<string, ObservationType> = {
  model: "GENERATION",
  "background-model": "GENERATION",
  embedder: "EMBEDDING",
  tool: "TOOL",
  "tool.v2": "TOOL",
  retriever: "RETRIEVER",
  evaluator: "EVALUATOR",
};
const AI_SDK_MODEL_OPERATIONS: Array<[string, ObservationType]> = [
  ["ai.generateText.doGenerate", "GENERATION"],
  ["ai.streamText.doStream", "GENERATION"],
  ["ai.generateObject.doGenerate", "GENERATION"],
  ["ai.streamObject.doStream", "GENERATION"],
  ["ai.embedMany.doEmbed", "EMBEDDING"],
  ["ai.embed.doEmbed", "EMBEDDING"],
];
/** Attributes only generations carry; old Python SDKs put them on spans typed `span`. */
const GENERATION_ATTRIBUTES = [
  "langfuse.observation.model.name",
  "langfuse.observation.cost_details",
  "langfuse.observation.usage_details",
  "langfuse.observation.completion_start_time",
  "langfuse.observation.model.parameters",
  "langfuse.observation.prompt.name",
  "langfuse.observation.prompt.version",
];
const MODEL_ATTRIBUTES = ["langfuse.observation.model.name", "gen_ai.request.model", "gen_ai.response.model", "llm.model_name", "model"];

const lookup = (table: Record<string, ObservationType>, key: unknown) => (typeof key === "string" && Object.hasOwn(table, key) ? table[key] : undefined);
const text = (value: unknown) => (typeof value === "string" ? value : "");

/** Python SDK ≤ 3.3 (scope version missing or ≤ 3.3). */
function isOldPythonSdk(span: SpanRecord): boolean {
  if (span.scope.name !== "langfuse-sdk" || span.resourceAttributes["telemetry.sdk.language"] !== "python") return false;
  if (!span.scope.version) return true;
  const [major = 0, minor = 0] = span.scope.version.split(".").map((part) => Number.parseInt(part, 10));
  return major < 3 || (major === 3 && minor <= 3);
}

const RULES: Rule[] = [
  (span) =>
    span.attributes["langfuse.observation.type"] === "span" && isOldPythonSdk(span) && GENERATION_ATTRIBUTES.some((key) => key in span.attributes) ? "GENERATION" : undefined,
  (span) => lookup(LANGFUSE_TYPES, span.attributes["langfuse.observation.type"]),
  (span) => lookup(OPENINFERENCE_KINDS, span.attributes["openinference.span.kind"]),
  (span) => lookup(GEN_AI_OPERATIONS, span.attributes["gen_ai.operation.name"]),
  (span) => lookup(GENKIT_SUBTYPES, span.attributes["genkit:metadata:subtype"]),
  (span) => {
    const { attributes } = span;
    const hasModel = ["langfuse.observation.model.name", "ai.model.id", "gen_ai.request.model", "gen_ai.response.model"].some((key) => isNonEmpty(attributes[key]));
    if (!hasModel) return undefined;
    const operation = text(attributes["operation.name"]);
    return AI_SDK_MODEL_OPERATIONS.find(([name]) => operation.startsWith(name) || attributes["ai.operationId"] === name)?.[1];
  },
  (span) => {
    const operation = text(span.attributes["operation.name"]);
    const operationId = text(span.attributes["ai.operationId"]);
    if (!operation.startsWith("ai.") && !operationId.startsWith("ai.")) return undefined;
    return operation.startsWith("ai.toolCall") || operationId === "ai.toolCall" ? "TOOL" : undefined;
  },
  (span) => (isNonEmpty(span.attributes["gen_ai.tool.name"]) || isNonEmpty(span.attributes["gen_ai.tool.call.id"]) ? "TOOL" : undefined),
  (span) => {
    const { attributes } = span;
    if (isNonEmpty(attributes["flue.tool.name"]) || isNonEmpty(attributes["flue.tool.call_id"])) return "TOOL";
    return isNonEmpty(attributes["flue.task.id"]) || isNonEmpty(attributes["flue.task.agent"]) ? "AGENT" : undefined;
  },
  (span) => {
    if (span.scope.name !== "livekit-agents") return undefined;
    if (span.name === "agent_turn" || span.name === "start_agent_activity") return "AGENT";
    return span.name === "function_tool" ? "TOOL" : undefined;
  },
  (span) => (MODEL_ATTRIBUTES.some((key) => isNonEmpty(span.attributes[key])) ? "GENERATION" : undefined),
];

/**
 * The observation type (otel.md 4.2): the first rule that yields a type wins. Beyond the reference,
 * a span that matched no rule but reports token usage or cost is a GENERATION rather than a SPAN,
 * because a SPAN cannot hold usage and the counts would be lost (langfuse#11135).
 */
export function observationType(span: SpanRecord, reportsUsageOrCost: boolean): ObservationType {
  for (const rule of RULES) {
    const type = rule(span);
    if (type) return type;
  }
  return reportsUsageOrCost ? "GENERATION" : "SPAN";
}
