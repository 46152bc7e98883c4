import type { SpanRecord } from "../span-record.ts";
import { asText, isRecord, isTruthy, parseJson } from "./values.ts";

type Parameters = Record<string, string | number | null>;

const MODEL_KEYS = ["langfuse.observation.model.name", "gen_ai.response.model", "ai.model.id", "gen_ai.request.model", "llm.response.model", "llm.model_name", "model"];
const PARAMETER_PREFIXES = ["gen_ai.request.", "llm.invocation_parameters."];

/**
 * AI SDK agent spans carry token totals that duplicate their child model calls; giving them a
 * model, usage or cost would count every call twice.
 */
export function isAiSdkAgentSpan(span: SpanRecord): boolean {
  const operation = span.attributes["gen_ai.operation.name"];
  return operation === "invoke_agent" || operation === "agent_step";
}

/** The model name (otel.md 4.5), first truthy key; Genkit names the model of its model spans. */
export function modelName(span: SpanRecord): string | undefined {
  if (isAiSdkAgentSpan(span)) return undefined;
  const { attributes } = span;
  for (const key of MODEL_KEYS) if (isTruthy(attributes[key])) return asText(attributes[key]);
  if (attributes["genkit:metadata:subtype"] === "model" && isTruthy(attributes["genkit:name"])) return asText(attributes["genkit:name"]);
  return undefined;
}

/** Model parameters are flat: strings and numbers as they are, anything else as JSON text. */
function sanitized(value: unknown): Parameters | undefined {
  if (value === null || typeof value !== "object") return undefined;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, typeof entry === "string" || typeof entry === "number" ? entry : JSON.stringify(entry)]));
}

const stringified = (attributes: Record<string, unknown>, key: string) => (key in attributes ? (attributes[key] == null ? null : String(attributes[key])) : null);

/** The AI SDK's fixed parameter set, each the attribute as text or null. */
function aiSdkParameters(attributes: Record<string, unknown>): Parameters {
  const providerMetadata = parseJson(attributes["ai.response.providerMetadata"]);
  const serviceTier = isRecord(providerMetadata) && isRecord(providerMetadata.openai) ? providerMetadata.openai.serviceTier : undefined;
  return {
    maxSteps: stringified(attributes, "ai.settings.maxSteps"),
    toolChoice: stringified(attributes, "ai.prompt.toolChoice"),
    maxTokens: stringified(attributes, "gen_ai.request.max_tokens"),
    finishReason: "gen_ai.response.finish_reasons" in attributes ? stringified(attributes, "gen_ai.response.finish_reasons") : stringified(attributes, "gen_ai.finishReason"),
    system: "gen_ai.system" in attributes ? stringified(attributes, "gen_ai.system") : stringified(attributes, "ai.model.provider"),
    maxRetries: stringified(attributes, "ai.settings.maxRetries"),
    mode: stringified(attributes, "ai.settings.mode"),
    temperature: stringified(attributes, "gen_ai.request.temperature"),
    service_tier: typeof serviceTier === "string" ? serviceTier : stringified(attributes, "gen_ai.request.service_tier"),
  };
}

/** Model parameters (otel.md 4.5), the first source that has them. */
export function modelParameters(span: SpanRecord): Parameters | undefined {
  const { attributes } = span;
  const scope = span.scope.name;
  const explicit = isTruthy(attributes["langfuse.observation.model.parameters"]) ? sanitized(parseJson(attributes["langfuse.observation.model.parameters"])) : undefined;
  if (scope === "ai") return { ...aiSdkParameters(attributes), ...explicit };
  if (explicit) return explicit;
  if (scope === "genkit-tracer") {
    const input = parseJson(attributes["genkit:input"]);
    const output = parseJson(attributes["genkit:output"]);
    const config = (isRecord(input) ? input.config : undefined) ?? (isRecord(output) && isRecord(output.request) ? output.request.config : undefined);
    if (config) return sanitized(config);
  }
  for (const key of ["llm.invocation_parameters", "model_config"]) {
    const decoded = isTruthy(attributes[key]) ? sanitized(parseJson(attributes[key])) : undefined;
    if (decoded) return decoded;
  }
  const flattened: Record<string, unknown> = {};
  for (const prefix of PARAMETER_PREFIXES) {
    for (const [key, value] of Object.entries(attributes)) {
      if (key.startsWith(prefix) && key !== `${prefix}model`) flattened[key.slice(prefix.length)] = value;
    }
  }
  return Object.keys(flattened).length > 0 ? sanitized(flattened) : undefined;
}
