import { z } from "zod";

/** Ids of events and entities: 1–800 characters without carriage returns (they name stored files upstream). */
export const IngestionId = z
  .string()
  .min(1)
  .max(800)
  .refine((value) => !value.includes("\r"), "ID cannot contain carriage return characters");

/**
 * ISO 8601 with `Z` or a `±HH:MM` offset, seconds optional; kept to millisecond precision. Limited
 * to the years ClickHouse's DateTime64 holds, so no time is silently clamped when stored.
 */
export const IngestionDateTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.datetime({ offset: true, precision: -1 })])
  .transform((value) => new Date(value).toISOString())
  .refine((iso) => iso >= "1900-01-01T00:00:00.000Z" && iso < "2300-01-01T00:00:00.000Z", "Date-times must lie between the years 1900 and 2299");

const text = z.string().nullish();
const json = z.unknown().optional();
const level = z.enum(["DEBUG", "DEFAULT", "WARNING", "ERROR"]).nullish();

/** The legacy `usage` object; `unit` is validated, then not stored. */
const LegacyUsage = z.object({
  input: z.number().int().nullish(),
  output: z.number().int().nullish(),
  total: z.number().int().nullish(),
  unit: z.enum(["CHARACTERS", "TOKENS", "SECONDS", "MILLISECONDS", "IMAGES", "REQUESTS"]).nullish(),
  inputCost: z.number().nullish(),
  outputCost: z.number().nullish(),
  totalCost: z.number().nullish(),
});

const OPENAI_USAGE_KEYS = ["promptTokens", "completionTokens", "totalTokens"];

/**
 * `usage` in either form. OpenAI-style token counts (any of their keys present, even as null)
 * become input/output/total and everything else in the object is dropped.
 */
export const IngestionUsage = z.preprocess((value) => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  if (!OPENAI_USAGE_KEYS.some((key) => key in record)) return value;
  return { input: record.promptTokens, output: record.completionTokens, total: record.totalTokens, unit: "TOKENS" };
}, LegacyUsage.nullish());

const tokenDetails = z.record(z.string(), z.number().int().nonnegative().nullable());
const OpenAIChatUsage = z.strictObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  prompt_tokens_details: tokenDetails.nullish(),
  completion_tokens_details: tokenDetails.nullish(),
});
const OpenAIResponsesUsage = z.strictObject({
  input_tokens: z.number().int().nonnegative(),
  output_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  input_tokens_details: tokenDetails.nullish(),
  output_tokens_details: tokenDetails.nullish(),
});

function subtractDetails(base: number, details: Record<string, number | null> | null | undefined): number {
  const sum = Object.values(details ?? {}).reduce<number>((acc, value) => acc + (value ?? 0), 0);
  return Math.max(0, base - sum);
}

function prefixDetails(prefix: string, details: Record<string, number | null> | null | undefined): Record<string, number> {
  return Object.fromEntries(
    Object.entries(details ?? {})
      .filter((entry): entry is [string, number] => entry[1] !== null)
      .map(([key, value]) => [`${prefix}_${key}`, value]),
  );
}

/** Counts from a raw map: non-negative integers, and strings read as a leading integer; the rest is dropped. */
function lenientCounts(value: unknown): Record<string, number> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const out: Record<string, number> = {};
  for (const [key, raw] of Object.entries(value)) {
    const parsed = typeof raw === "string" ? Number.parseInt(raw, 10) : raw;
    // Safe integers only: larger counts would not survive JSON or ClickHouse's UInt64 intact.
    if (typeof parsed === "number" && Number.isSafeInteger(parsed) && parsed >= 0) out[key] = parsed;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** OpenAI's input/output counts include their details; Langfuse stores the details beside the rest. */
function openAiUsage(
  input: number,
  output: number,
  total: number,
  inputDetails: Record<string, number | null> | null | undefined,
  outputDetails: Record<string, number | null> | null | undefined,
): Record<string, number> {
  return {
    input: subtractDetails(input, inputDetails),
    output: subtractDetails(output, outputDetails),
    total,
    ...prefixDetails("input", inputDetails),
    ...prefixDetails("output", outputDetails),
  };
}

/**
 * `usageDetails`: OpenAI Chat Completions usage, OpenAI Responses usage, or a map of counts, tried
 * in that order. Never fails the event: values that are not counts are dropped.
 */
export const UsageDetails = z
  .unknown()
  .optional()
  .transform((value): Record<string, number> | undefined => {
    if (value === null || typeof value !== "object") return undefined;
    // Each OpenAI shape requires its own key: a map without it is not tried against the shape, which
    // would cost a failed parse on every event that sends plain counts.
    const chat = "prompt_tokens" in value ? OpenAIChatUsage.safeParse(value) : undefined;
    if (chat?.success) {
      const u = chat.data;
      return openAiUsage(u.prompt_tokens, u.completion_tokens, u.total_tokens, u.prompt_tokens_details, u.completion_tokens_details);
    }
    const responses = "input_tokens" in value ? OpenAIResponsesUsage.safeParse(value) : undefined;
    if (responses?.success) {
      const u = responses.data;
      return openAiUsage(u.input_tokens, u.output_tokens, u.total_tokens, u.input_tokens_details, u.output_tokens_details);
    }
    return lenientCounts(value);
  });

/** `costDetails`: non-negative numbers are kept, everything else dropped. */
export const CostDetails = z
  .unknown()
  .optional()
  .transform((value): Record<string, number> | undefined => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    const kept = Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1]) && entry[1] >= 0);
    return kept.length > 0 ? Object.fromEntries(kept) : undefined;
  });

const GenerationMapValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()), z.record(z.string(), z.string())]);

export const TraceBody = z.object({
  id: IngestionId.nullish(),
  timestamp: IngestionDateTime.nullish(),
  name: z.string().max(1000).nullish(),
  externalId: text,
  input: json,
  output: json,
  sessionId: text,
  userId: text,
  environment: json,
  metadata: json,
  release: text,
  version: text,
  public: z.boolean().nullish(),
  tags: z.array(z.string()).nullish(),
});

const ObservationBase = z.object({
  id: IngestionId,
  traceId: IngestionId.nullish(),
  name: text,
  startTime: IngestionDateTime.nullish(),
  metadata: json,
  input: json,
  output: json,
  level,
  statusMessage: text,
  parentObservationId: text,
  version: text,
  environment: json,
});

export const EventBody = ObservationBase;
export const SpanBody = ObservationBase.extend({ endTime: IngestionDateTime.nullish() });
export const GenerationBody = SpanBody.extend({
  completionStartTime: IngestionDateTime.nullish(),
  model: text,
  modelParameters: z.record(z.string(), GenerationMapValue).nullish(),
  usage: IngestionUsage,
  usageDetails: UsageDetails,
  costDetails: CostDetails,
  promptName: text,
  promptVersion: z.number().int().nullish(),
}).superRefine((body, ctx) => {
  const hasName = body.promptName !== undefined && body.promptName !== null;
  const hasVersion = body.promptVersion !== undefined && body.promptVersion !== null && body.promptVersion !== 0;
  if (hasName !== hasVersion) {
    ctx.addIssue({ code: "custom", path: [hasName ? "promptVersion" : "promptName"], message: "promptName and promptVersion must be set together" });
  }
});

/** `observation-create`/`-update`, kept for old SDKs: no environment, no prompt, scalar model parameters. */
export const LegacyObservationBody = z.object({
  type: z.enum(["GENERATION", "SPAN", "EVENT"]),
  id: IngestionId.nullish(),
  traceId: IngestionId.nullish(),
  name: text,
  startTime: IngestionDateTime.nullish(),
  endTime: IngestionDateTime.nullish(),
  completionStartTime: IngestionDateTime.nullish(),
  model: text,
  modelParameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullish(),
  input: json,
  output: json,
  metadata: json,
  usage: IngestionUsage,
  usageDetails: UsageDetails,
  costDetails: CostDetails,
  level,
  statusMessage: text,
  parentObservationId: text,
  version: text,
});

export const ScoreDataType = z.enum(["NUMERIC", "CATEGORICAL", "BOOLEAN", "CORRECTION", "TEXT"]);
export const ScoreSource = z.enum(["API", "EVAL", "ANNOTATION"]);

export const ScoreBody = z
  .object({
    id: IngestionId.nullish(),
    name: z.string().min(1),
    value: z.union([z.number(), z.string()]),
    dataType: ScoreDataType.nullish(),
    traceId: text,
    observationId: text,
    sessionId: text,
    datasetRunId: text,
    environment: json,
    comment: text,
    metadata: json,
    source: ScoreSource.nullish(),
    configId: text,
    queueId: text,
    executionTraceId: text,
  })
  .superRefine((score, ctx) => {
    const dataType = score.dataType ?? (typeof score.value === "number" ? "NUMERIC" : "CATEGORICAL");
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (dataType === "NUMERIC" && typeof score.value !== "number") issue("value", "NUMERIC scores need a number value");
    if (dataType === "CATEGORICAL" && typeof score.value !== "string") issue("value", "CATEGORICAL scores need a string value");
    if (dataType === "BOOLEAN" && score.value !== 0 && score.value !== 1) issue("value", "BOOLEAN scores need the value 0 or 1");
    if (dataType === "TEXT" && (typeof score.value !== "string" || score.value.length < 1 || score.value.length > 500)) {
      issue("value", "TEXT scores need a string value of 1 to 500 characters");
    }
    if (dataType === "CORRECTION") {
      if (typeof score.value !== "string") issue("value", "CORRECTION scores need a string value");
      if (score.configId) issue("configId", "CORRECTION scores cannot have a configId");
    } else if (score.source === "ANNOTATION" && !score.configId) {
      issue("configId", "ANNOTATION scores need a configId");
    }
    const targets = [score.traceId, score.sessionId, score.datasetRunId].filter((target) => target !== undefined && target !== null);
    if (targets.length !== 1) issue("traceId", "A score needs exactly one of traceId, sessionId or datasetRunId");
    if (score.observationId && !score.traceId) issue("observationId", "observationId requires traceId");
  });

export const SdkLogBody = z.object({ log: z.unknown().refine((value) => value !== null && value !== undefined, "log is required"), id: z.string().nullish() });

const envelope = <Type extends string, Body extends z.ZodType>(type: Type, body: Body) =>
  z.object({
    id: IngestionId,
    type: z.literal(type),
    timestamp: IngestionDateTime,
    metadata: json,
    body,
  });

/** Observation event types and the observation type each one stores. */
export const OBSERVATION_EVENT_TYPES = {
  "span-create": "SPAN",
  "span-update": "SPAN",
  "event-create": "EVENT",
  "generation-create": "GENERATION",
  "generation-update": "GENERATION",
  "agent-create": "AGENT",
  "tool-create": "TOOL",
  "chain-create": "CHAIN",
  "retriever-create": "RETRIEVER",
  "evaluator-create": "EVALUATOR",
  "embedding-create": "EMBEDDING",
  "guardrail-create": "GUARDRAIL",
} as const;

export const IngestionEvent = z.discriminatedUnion("type", [
  envelope("trace-create", TraceBody),
  envelope("span-create", SpanBody),
  envelope("span-update", SpanBody),
  envelope("event-create", EventBody),
  envelope("generation-create", GenerationBody),
  envelope("generation-update", GenerationBody),
  envelope("agent-create", GenerationBody),
  envelope("tool-create", GenerationBody),
  envelope("chain-create", GenerationBody),
  envelope("retriever-create", GenerationBody),
  envelope("evaluator-create", GenerationBody),
  envelope("embedding-create", GenerationBody),
  envelope("guardrail-create", GenerationBody),
  envelope("observation-create", LegacyObservationBody),
  envelope("observation-update", LegacyObservationBody),
  envelope("score-create", ScoreBody),
  envelope("sdk-log", SdkLogBody),
  envelope(
    "dataset-run-item-create",
    z.unknown().refine(() => false, "Dataset run item creation is only allowed for internal usage"),
  ),
]);

export type IngestionEvent = z.infer<typeof IngestionEvent>;

export const IngestionRequest = z.object({ batch: z.array(z.unknown()), metadata: z.unknown().optional() }).meta({ id: "IngestionRequest" });

export const IngestionSuccess = z.object({ id: z.string(), status: z.number().int() }).meta({ id: "IngestionSuccess" });
export const IngestionError = z.object({ id: z.string(), status: z.number().int(), message: z.string().nullish(), error: z.unknown().optional() }).meta({ id: "IngestionError" });
export const IngestionResponse = z.object({ successes: z.array(IngestionSuccess), errors: z.array(IngestionError) }).meta({ id: "IngestionResponse" });

export type IngestionResponse = z.infer<typeof IngestionResponse>;

/** A request the envelope check refused: the reference lists the problems as texts. */
export const IngestionBadRequest = z.object({ message: z.string(), errors: z.array(z.string()) }).meta({ id: "IngestionBadRequest" });
