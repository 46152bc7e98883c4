import type { SpanRecord } from "../span-record.ts";
import { isAiSdkAgentSpan } from "./model.ts";
import { isRecord, isTruthy, parseJson } from "./values.ts";

export type Counts = Record<string, unknown>;

/**
 * Canonical usage types and the raw keys (after `gen_ai.usage.` / `llm.token_count.`) that feed
 * them, first present wins. Every listed raw key is consumed; other keys are kept as they are.
 */
const CANONICAL: Array<[string, string[]]> = [
  ["input", ["prompt_tokens", "input_tokens", "prompt"]],
  ["output", ["completion_tokens", "output_tokens", "completion"]],
  ["total", ["total_tokens", "total"]],
  [
    "input_cached_tokens",
    [
      "cache_read.input_tokens",
      "cache_read_input_tokens",
      "cache_read_tokens",
      "details.cache_read_tokens",
      "details.cache_read_input_tokens",
      "prompt_details.cache_read",
      "input_cached_tokens",
    ],
  ],
  [
    "input_cache_creation",
    [
      "cache_creation.input_tokens",
      "cache_creation_input_tokens",
      "cache_write_tokens",
      "details.cache_write_tokens",
      "details.cache_creation_input_tokens",
      "prompt_details.cache_write",
      "input_cache_creation",
    ],
  ],
  ["output_reasoning_tokens", ["reasoning.output_tokens", "completion_details.reasoning"]],
  ["output_audio_tokens", ["completion_details.audio"]],
];
const CONSUMED = new Set(CANONICAL.flatMap(([, keys]) => keys));
const GENERIC_PREFIXES = ["gen_ai.usage.", "llm.token_count."];

/** `gen_ai.usage.*` and `llm.token_count.*` counts, normalised (otel.md 4.6 step 6). */
export function genericUsage(attributes: Record<string, unknown>): Record<string, number> {
  const raw: Record<string, number> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "gen_ai.usage.cost") continue;
    const prefix = GENERIC_PREFIXES.find((candidate) => key.startsWith(candidate));
    if (!prefix) continue;
    const count = Number(value);
    if (!Number.isNaN(count)) raw[key.slice(prefix.length)] = count;
  }
  const usage: Record<string, number> = {};
  for (const [canonical, keys] of CANONICAL) {
    const found = keys.find((key) => key in raw);
    if (found) usage[canonical] = raw[found]!;
  }
  // Unknown keys are usage types of their own, never a reason to drop the span (langfuse#6024).
  for (const [key, count] of Object.entries(raw)) {
    if (!CONSUMED.has(key)) usage[key.startsWith("details.") ? key.slice("details.".length) : key] = count;
  }
  const less = (value: number, ...parts: Array<number | undefined>) => Math.max(value - parts.reduce<number>((sum, part) => sum + (part ?? 0), 0), 0);
  if (usage.input !== undefined) usage.input = less(usage.input, usage.input_cached_tokens, usage.input_cache_creation);
  if (usage.output !== undefined) usage.output = less(usage.output, usage.output_reasoning_tokens, usage.output_audio_tokens);
  return usage;
}

/**
 * `langfuse.observation.usage_details` / `cost_details`: a JSON object, used as sent. Other values
 * give `{}` and still end the search; invalid JSON is ignored. Dotted keys such as
 * `langfuse.observation.usage_details.input` are honoured too and win over the JSON object
 * (langfuse#11135: OpenTelemetry users set them key by key).
 */
export function langfuseDetails(attributes: Record<string, unknown>, key: string): Counts | undefined {
  let details: Counts | undefined;
  const value = attributes[key];
  if (isTruthy(value)) {
    if (typeof value !== "string") details = {};
    else {
      const decoded = parseJson(value);
      if (decoded !== undefined) details = isRecord(decoded) ? decoded : {};
    }
  }
  for (const [attribute, entry] of Object.entries(attributes)) {
    if (attribute.startsWith(`${key}.`)) details = { ...details, [attribute.slice(key.length + 1)]: entry };
  }
  return details;
}

function genkitUsage(attributes: Record<string, unknown>): Counts | undefined {
  const output = parseJson(attributes["genkit:output"]);
  const usage = isRecord(output) && isRecord(output.usage) ? output.usage : undefined;
  if (!usage) return undefined;
  const thoughts = typeof usage.thoughtsTokens === "number" ? usage.thoughtsTokens : undefined;
  const result: Counts = {};
  if (usage.inputTokens !== undefined) result.input = usage.inputTokens;
  if (typeof usage.outputTokens === "number") result.output = usage.outputTokens - (thoughts ?? 0);
  if (usage.totalTokens !== undefined) result.total = usage.totalTokens;
  if (thoughts !== undefined) result.output_reasoning = thoughts;
  return result;
}

const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((node, key) => (isRecord(node) ? node[key] : undefined), value);
const count = (value: unknown) => (value === undefined || value === null ? undefined : Number(value));

/** The Vercel AI SDK's counts, with cache and reasoning details split out (otel.md 4.6 step 3). */
function aiSdkUsage(attributes: Record<string, unknown>): Counts | undefined {
  const metadataText = attributes["ai.response.providerMetadata"];
  const metadata = metadataText === undefined ? {} : parseJson(metadataText);
  if (metadata === undefined) return undefined;
  const usage: Record<string, number | undefined> = {
    input: count(attributes["gen_ai.usage.prompt_tokens"] ?? attributes["gen_ai.usage.input_tokens"]),
    output: count(attributes["gen_ai.usage.completion_tokens"] ?? attributes["gen_ai.usage.output_tokens"]),
    total: count(attributes["ai.usage.tokens"]),
    input_cached_tokens: count(attributes["ai.usage.cachedInputTokens"]),
    output_reasoning_tokens: count(attributes["ai.usage.reasoningTokens"]),
  };
  const fill = (key: string, value: unknown) => {
    if (usage[key] === undefined && value !== undefined && value !== null) usage[key] = Number(value);
  };
  fill("input_cached_tokens", at(metadata, "openai", "cachedPromptTokens"));
  fill("accepted_prediction_tokens", at(metadata, "openai", "acceptedPredictionTokens"));
  fill("rejected_prediction_tokens", at(metadata, "openai", "rejectedPredictionTokens"));
  fill("output_reasoning_tokens", at(metadata, "openai", "reasoningTokens"));
  fill("input_cache_creation", at(metadata, "anthropic", "usage", "cache_creation_input_tokens"));
  fill("input_cached_tokens", at(metadata, "anthropic", "usage", "cache_read_input_tokens"));
  fill("input_cache_creation_5m", at(metadata, "anthropic", "usage", "cache_creation", "ephemeral_5m_input_tokens"));
  fill("input_cache_creation_1h", at(metadata, "anthropic", "usage", "cache_creation", "ephemeral_1h_input_tokens"));
  fill("input_cache_read", at(metadata, "bedrock", "usage", "cacheReadInputTokens"));
  fill("input_cache_write", at(metadata, "bedrock", "usage", "cacheWriteInputTokens"));
  fill("input_cache_creation", at(metadata, "bedrock", "usage", "cacheCreationInputTokens"));
  if (usage.input_cache_creation !== undefined) {
    usage.input_cache_creation = Math.max(usage.input_cache_creation - (usage.input_cache_creation_5m ?? 0) - (usage.input_cache_creation_1h ?? 0), 0);
  }
  const cachedParts = ["input_cached_tokens", "input_cache_creation", "input_cache_creation_5m", "input_cache_creation_1h", "input_cache_read"];
  usage.input = Math.max((usage.input ?? 0) - cachedParts.reduce((sum, key) => sum + (usage[key] ?? 0), 0), 0);
  usage.output = Math.max((usage.output ?? 0) - (usage.output_reasoning_tokens ?? 0), 0);
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined));
}

function vertexAgentUsage(attributes: Record<string, unknown>): Counts {
  const usage = genericUsage(attributes);
  const cached = Number(at(parseJson(attributes["gcp.vertex.agent.llm_response"]), "usage_metadata", "cached_content_token_count"));
  if (usage.input_cached_tokens === undefined && cached > 0) {
    usage.input_cached_tokens = cached;
    if (usage.input !== undefined) usage.input = Math.max(usage.input - cached, 0);
  }
  return usage;
}

/**
 * Usage details (otel.md 4.6), first source that has them. Validation by the ingestion schema then
 * keeps non-negative integer counts (and converts exact OpenAI usage objects).
 */
export function usageDetails(span: SpanRecord): Counts {
  if (isAiSdkAgentSpan(span)) return {};
  const { attributes } = span;
  const explicit = langfuseDetails(attributes, "langfuse.observation.usage_details");
  if (explicit) return explicit;
  const scope = span.scope.name;
  if (scope === "genkit-tracer") {
    const genkit = genkitUsage(attributes);
    if (genkit) return genkit;
  }
  if (scope === "ai") {
    const aiSdk = aiSdkUsage(attributes);
    if (aiSdk) return aiSdk;
  }
  if (scope === "gcp.vertex.agent" && "gcp.vertex.agent.llm_response" in attributes) return vertexAgentUsage(attributes);
  return genericUsage(attributes);
}

/** Cost details (otel.md 4.7). */
export function costDetails(span: SpanRecord): Counts {
  if (isAiSdkAgentSpan(span)) return {};
  const { attributes } = span;
  const explicit = langfuseDetails(attributes, "langfuse.observation.cost_details");
  if (explicit) return explicit;
  for (const key of ["gen_ai.usage.cost", "llm.cost.total"]) {
    const value = attributes[key];
    if (value !== undefined && value !== null && value !== "") return { total: value };
  }
  return {};
}
