import type { PricingCondition } from "./model.ts";

/** USD per million units, the way providers publish prices; stored per unit. */
export type PricesPerMillion = Record<string, number>;

export interface DefaultTier {
  name: string;
  priority: number;
  conditions: PricingCondition[];
  prices: PricesPerMillion;
}

export interface DefaultModel {
  modelName: string;
  /** Postgres regex; always `(?i)`, anchored, with the provider prefixes gateways put in front. */
  matchPattern: string;
  tokenizerId: "openai" | "claude" | null;
  tokenizerConfig: { tokenizerModel: string; tokensPerMessage?: number; tokensPerName?: number } | null;
  /** Default tier. */
  prices: PricesPerMillion;
  /** Conditional tiers; each prices the same usage keys as the default tier. */
  tiers?: DefaultTier[];
}

// ---- Match patterns -------------------------------------------------------------------------

const alternatives = (names: string[]) => names.join("|");
const openAiPattern = (...names: string[]) => `(?i)^(openai/)?(${alternatives(names)})$`;
const prefixedPattern = (prefix: string, ...names: string[]) => `(?i)^(${prefix}/)?(${alternatives(names)})$`;
/** Bedrock model ids, optionally behind a cross-region inference profile (`us.`, `eu.`, …). */
const bedrockPattern = (...ids: string[]) => String.raw`(?i)^(bedrock/)?((us|eu|apac|au|jp|global)\.)?(${alternatives(ids)})$`;
const geminiPattern = (...names: string[]) => `(?i)^((google|googleai|gemini|vertex_ai)/)?(models/)?(${alternatives(names)})$`;

/** Anthropic's API ids, the same model on Bedrock (`anthropic.<id>-v1:0`) and on Vertex (`<name>@<date>`). */
function anthropicPattern(ids: { api: string[]; bedrock: string[]; vertex: string[] }): string {
  return String.raw`(?i)^((anthropic/)?(${alternatives(ids.api)})|(bedrock/)?((us|eu|apac|au|jp|global)\.)?anthropic\.(${alternatives(ids.bedrock)})|(vertex_ai/)?(${alternatives(ids.vertex)}))$`;
}

// ---- Usage keys -----------------------------------------------------------------------------
// Each price is listed under the usage key names that SDKs and integrations send for it, so
// provider-native usage maps are costed as well as Langfuse's `input`/`output`.

/** OpenAI reports cached input and reasoning output apart from input and output. */
function openAiPrices(input: number, cachedInput: number, output: number): PricesPerMillion {
  return {
    input,
    input_tokens: input,
    prompt_tokens: input,
    input_cached_tokens: cachedInput,
    output,
    output_tokens: output,
    completion_tokens: output,
    output_reasoning_tokens: output,
  };
}

/** Anthropic bills cache reads and (5-minute) cache writes apart from input. */
function anthropicPrices(input: number, output: number, cacheWrite: number, cacheRead: number): PricesPerMillion {
  return {
    input,
    input_tokens: input,
    output,
    output_tokens: output,
    cache_read_input_tokens: cacheRead,
    input_cache_read: cacheRead,
    input_cached_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
    input_cache_creation: cacheWrite,
  };
}

/**
 * Gemini: thinking tokens bill as output. `cached_content_token_count` is left unpriced because
 * Gemini counts it inside `prompt_token_count` already.
 */
function geminiPrices(input: number, cachedInput: number, output: number): PricesPerMillion {
  return {
    input,
    input_tokens: input,
    prompt_token_count: input,
    input_cached_tokens: cachedInput,
    output,
    output_tokens: output,
    candidates_token_count: output,
    output_reasoning_tokens: output,
    thoughts_token_count: output,
  };
}

function plainPrices(input: number, output: number): PricesPerMillion {
  return { input, input_tokens: input, output, output_tokens: output };
}

/** Amazon Nova bills cache reads at a discount; cache writes cost nothing extra. */
function novaPrices(input: number, output: number, cacheRead: number): PricesPerMillion {
  return { ...plainPrices(input, output), cache_read_input_tokens: cacheRead, input_cache_read: cacheRead };
}

/** DeepSeek reports cache hits and misses as their own keys when its usage is passed through raw. */
function deepSeekPrices(cacheMiss: number, cacheHit: number, output: number): PricesPerMillion {
  return {
    input: cacheMiss,
    input_cached_tokens: cacheHit,
    prompt_cache_miss_tokens: cacheMiss,
    prompt_cache_hit_tokens: cacheHit,
    output,
    completion_tokens: output,
    output_reasoning_tokens: output,
  };
}

/** Embeddings bill every token alike: one price on `total`. */
const embeddingPrice = (perMillion: number): PricesPerMillion => ({ total: perMillion });

// ---- Tiers ----------------------------------------------------------------------------------

const serviceTier = (...values: string[]): PricingCondition[] => [{ source: "model_parameters", key: "service_tier", operator: "in", values }];
const priorityTier = (prices: PricesPerMillion): DefaultTier => ({ name: "Priority processing", priority: 1, conditions: serviceTier("priority"), prices });
const flexTier = (prices: PricesPerMillion): DefaultTier => ({ name: "Flex processing", priority: 2, conditions: serviceTier("flex"), prices });

/** Tiers priced by prompt size: every input-side key (input, cached input, prompt counts) adds up. */
function longContextTier(name: string, aboveTokens: number, pattern: string, prices: PricesPerMillion): DefaultTier {
  return { name, priority: 1, conditions: [{ usageDetailPattern: pattern, operator: "gt", value: aboveTokens, caseSensitive: false }], prices };
}
const ANTHROPIC_INPUT_KEYS = "^(input|cache_read|cache_creation)";
const GEMINI_INPUT_KEYS = "^(input|prompt)";

const chatTokenizer = (tokenizerModel: string) => ({ tokenizerModel, tokensPerMessage: 3, tokensPerName: 1 });

// ---- OpenAI ---------------------------------------------------------------------------------

interface OpenAiChatModel {
  name: string;
  pattern: string[];
  tokenizerModel: string;
  prices: [input: number, cachedInput: number, output: number];
  priority?: [input: number, cachedInput: number, output: number];
  flex?: [input: number, cachedInput: number, output: number];
}

function openAiChat(model: OpenAiChatModel): DefaultModel {
  const tiers = [model.priority && priorityTier(openAiPrices(...model.priority)), model.flex && flexTier(openAiPrices(...model.flex))].filter(
    (tier): tier is DefaultTier => tier !== undefined,
  );
  return {
    modelName: model.name,
    matchPattern: openAiPattern(...model.pattern),
    tokenizerId: "openai",
    tokenizerConfig: chatTokenizer(model.tokenizerModel),
    prices: openAiPrices(...model.prices),
    ...(tiers.length > 0 ? { tiers } : {}),
  };
}

const OPENAI: DefaultModel[] = [
  openAiChat({ name: "gpt-4o", pattern: ["gpt-4o(-2024-08-06|-2024-11-20)?"], tokenizerModel: "gpt-4o", prices: [2.5, 1.25, 10], priority: [4.25, 2.125, 17] }),
  openAiChat({ name: "gpt-4o-2024-05-13", pattern: ["gpt-4o-2024-05-13"], tokenizerModel: "gpt-4o", prices: [5, 5, 15] }),
  openAiChat({ name: "gpt-4o-mini", pattern: ["gpt-4o-mini(-2024-07-18)?"], tokenizerModel: "gpt-4o-mini", prices: [0.15, 0.075, 0.6], priority: [0.25, 0.125, 1] }),
  openAiChat({ name: "gpt-4.1", pattern: [String.raw`gpt-4\.1(-2025-04-14)?`], tokenizerModel: "gpt-4.1", prices: [2, 0.5, 8], priority: [3.5, 0.875, 14] }),
  openAiChat({ name: "gpt-4.1-mini", pattern: [String.raw`gpt-4\.1-mini(-2025-04-14)?`], tokenizerModel: "gpt-4.1-mini", prices: [0.4, 0.1, 1.6], priority: [0.7, 0.175, 2.8] }),
  openAiChat({ name: "gpt-4.1-nano", pattern: [String.raw`gpt-4\.1-nano(-2025-04-14)?`], tokenizerModel: "gpt-4.1-nano", prices: [0.1, 0.025, 0.4], priority: [0.2, 0.05, 0.8] }),
  openAiChat({ name: "gpt-5", pattern: ["gpt-5(-2025-08-07)?"], tokenizerModel: "gpt-5", prices: [1.25, 0.125, 10], priority: [2.5, 0.25, 20], flex: [0.625, 0.0625, 5] }),
  openAiChat({
    name: "gpt-5-mini",
    pattern: ["gpt-5-mini(-2025-08-07)?"],
    tokenizerModel: "gpt-5-mini",
    prices: [0.25, 0.025, 2],
    priority: [0.45, 0.045, 3.6],
    flex: [0.125, 0.0125, 1],
  }),
  openAiChat({ name: "gpt-5-nano", pattern: ["gpt-5-nano(-2025-08-07)?"], tokenizerModel: "gpt-5-nano", prices: [0.05, 0.005, 0.4], flex: [0.025, 0.0025, 0.2] }),
  openAiChat({ name: "o1", pattern: ["o1(-2024-12-17)?"], tokenizerModel: "o1", prices: [15, 7.5, 60] }),
  openAiChat({ name: "o1-mini", pattern: ["o1-mini(-2024-09-12)?"], tokenizerModel: "o1-mini", prices: [1.1, 0.55, 4.4] }),
  openAiChat({ name: "o1-pro", pattern: ["o1-pro(-2025-03-19)?"], tokenizerModel: "o1-pro", prices: [150, 150, 600] }),
  openAiChat({ name: "o3", pattern: ["o3(-2025-04-16)?"], tokenizerModel: "o3", prices: [2, 0.5, 8], priority: [3.5, 0.875, 14], flex: [1, 0.25, 4] }),
  openAiChat({ name: "o3-mini", pattern: ["o3-mini(-2025-01-31)?"], tokenizerModel: "o3-mini", prices: [1.1, 0.55, 4.4] }),
  openAiChat({ name: "o3-pro", pattern: ["o3-pro(-2025-06-10)?"], tokenizerModel: "o3", prices: [20, 20, 80] }),
  openAiChat({ name: "o4-mini", pattern: ["o4-mini(-2025-04-16)?"], tokenizerModel: "o4-mini", prices: [1.1, 0.275, 4.4], priority: [2, 0.5, 8], flex: [0.55, 0.1375, 2.2] }),
  openAiChat({
    name: "gpt-4-turbo",
    pattern: ["gpt-4-turbo(-2024-04-09)?", "gpt-4-turbo-preview", "gpt-4-(0125|1106)-preview"],
    tokenizerModel: "gpt-4-turbo",
    prices: [10, 10, 30],
  }),
  openAiChat({ name: "gpt-4", pattern: ["gpt-4(-0613|-0314)?"], tokenizerModel: "gpt-4", prices: [30, 30, 60] }),
  openAiChat({ name: "gpt-3.5-turbo", pattern: [String.raw`gpt-3\.5-turbo(-0125)?`, "gpt-35-turbo(-0125)?"], tokenizerModel: "gpt-3.5-turbo", prices: [0.5, 0.5, 1.5] }),
  {
    modelName: "gpt-3.5-turbo-instruct",
    matchPattern: openAiPattern(String.raw`gpt-3\.5-turbo-instruct(-0914)?`),
    tokenizerId: "openai",
    tokenizerConfig: { tokenizerModel: "gpt-3.5-turbo-instruct" },
    prices: openAiPrices(1.5, 1.5, 2),
  },
  ...(
    [
      ["text-embedding-3-small", 0.02],
      ["text-embedding-3-large", 0.13],
      ["text-embedding-ada-002", 0.1],
    ] as const
  ).map(
    ([name, price]): DefaultModel => ({
      modelName: name,
      matchPattern: openAiPattern(name),
      tokenizerId: "openai",
      tokenizerConfig: { tokenizerModel: name },
      prices: embeddingPrice(price),
    }),
  ),
];

// ---- Anthropic ------------------------------------------------------------------------------

interface ClaudeModel {
  name: string;
  ids: { api: string[]; bedrock: string[]; vertex: string[] };
  prices: [input: number, output: number, cacheWrite: number, cacheRead: number];
  /** Prompts above 200k input tokens (1M-context beta) bill at these prices. */
  longContext?: [input: number, output: number, cacheWrite: number, cacheRead: number];
}

function claude(model: ClaudeModel): DefaultModel {
  return {
    modelName: model.name,
    matchPattern: anthropicPattern(model.ids),
    tokenizerId: "claude",
    tokenizerConfig: null,
    prices: anthropicPrices(...model.prices),
    ...(model.longContext ? { tiers: [longContextTier("Long context (>200k input tokens)", 200_000, ANTHROPIC_INPUT_KEYS, anthropicPrices(...model.longContext))] } : {}),
  };
}

const ANTHROPIC: DefaultModel[] = [
  claude({
    name: "claude-3-haiku",
    ids: { api: ["claude-3-haiku-20240307", "claude-3-haiku"], bedrock: ["claude-3-haiku-20240307-v1:0"], vertex: ["claude-3-haiku@20240307"] },
    prices: [0.25, 1.25, 0.3, 0.03],
  }),
  claude({
    name: "claude-3-sonnet",
    ids: { api: ["claude-3-sonnet-20240229", "claude-3-sonnet"], bedrock: ["claude-3-sonnet-20240229-v1:0"], vertex: ["claude-3-sonnet@20240229"] },
    prices: [3, 15, 3.75, 0.3],
  }),
  claude({
    name: "claude-3-opus",
    ids: { api: ["claude-3-opus-20240229", "claude-3-opus(-latest)?"], bedrock: ["claude-3-opus-20240229-v1:0"], vertex: ["claude-3-opus@20240229"] },
    prices: [15, 75, 18.75, 1.5],
  }),
  claude({
    name: "claude-3-5-haiku",
    ids: {
      api: ["claude-3-5-haiku-20241022", "claude-3-5-haiku(-latest)?", String.raw`claude-3\.5-haiku`],
      bedrock: ["claude-3-5-haiku-20241022-v1:0"],
      vertex: ["claude-3-5-haiku@20241022"],
    },
    prices: [0.8, 4, 1, 0.08],
  }),
  claude({
    name: "claude-3-5-sonnet",
    ids: {
      api: ["claude-3-5-sonnet-(20240620|20241022)", "claude-3-5-sonnet(-latest)?", String.raw`claude-3\.5-sonnet`],
      bedrock: ["claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet-20241022-v2:0"],
      vertex: ["claude-3-5-sonnet@20240620", "claude-3-5-sonnet-v2@20241022"],
    },
    prices: [3, 15, 3.75, 0.3],
  }),
  claude({
    name: "claude-3-7-sonnet",
    ids: {
      api: ["claude-3-7-sonnet-20250219", "claude-3-7-sonnet(-latest)?", String.raw`claude-3\.7-sonnet`],
      bedrock: ["claude-3-7-sonnet-20250219-v1:0"],
      vertex: ["claude-3-7-sonnet@20250219"],
    },
    prices: [3, 15, 3.75, 0.3],
  }),
  claude({
    name: "claude-sonnet-4",
    ids: {
      api: ["claude-sonnet-4-20250514", "claude-sonnet-4(-0)?", "claude-4-sonnet-20250514"],
      bedrock: ["claude-sonnet-4-20250514-v1:0"],
      vertex: ["claude-sonnet-4@20250514"],
    },
    prices: [3, 15, 3.75, 0.3],
    longContext: [6, 22.5, 7.5, 0.6],
  }),
  claude({
    name: "claude-opus-4",
    ids: { api: ["claude-opus-4-20250514", "claude-opus-4(-0)?", "claude-4-opus-20250514"], bedrock: ["claude-opus-4-20250514-v1:0"], vertex: ["claude-opus-4@20250514"] },
    prices: [15, 75, 18.75, 1.5],
  }),
  claude({
    name: "claude-opus-4-1",
    ids: { api: ["claude-opus-4-1-20250805", "claude-opus-4-1", String.raw`claude-opus-4\.1`], bedrock: ["claude-opus-4-1-20250805-v1:0"], vertex: ["claude-opus-4-1@20250805"] },
    prices: [15, 75, 18.75, 1.5],
  }),
  claude({
    name: "claude-sonnet-4-5",
    ids: {
      api: ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5", String.raw`claude-sonnet-4\.5`],
      bedrock: ["claude-sonnet-4-5-20250929-v1:0"],
      vertex: ["claude-sonnet-4-5@20250929"],
    },
    prices: [3, 15, 3.75, 0.3],
    longContext: [6, 22.5, 7.5, 0.6],
  }),
  claude({
    name: "claude-haiku-4-5",
    ids: {
      api: ["claude-haiku-4-5-20251001", "claude-haiku-4-5", String.raw`claude-haiku-4\.5`],
      bedrock: ["claude-haiku-4-5-20251001-v1:0"],
      vertex: ["claude-haiku-4-5@20251001"],
    },
    prices: [1, 5, 1.25, 0.1],
  }),
  claude({
    name: "claude-opus-4-5",
    ids: { api: ["claude-opus-4-5-20251101", "claude-opus-4-5", String.raw`claude-opus-4\.5`], bedrock: ["claude-opus-4-5-20251101-v1:0"], vertex: ["claude-opus-4-5@20251101"] },
    prices: [5, 25, 6.25, 0.5],
  }),
];

// ---- Google ---------------------------------------------------------------------------------

interface GeminiModel {
  name: string;
  pattern: string[];
  prices: [input: number, cachedInput: number, output: number];
  longContext?: { aboveTokens: number; prices: [input: number, cachedInput: number, output: number] };
}

function gemini(model: GeminiModel): DefaultModel {
  const { longContext } = model;
  return {
    modelName: model.name,
    matchPattern: geminiPattern(...model.pattern),
    tokenizerId: null,
    tokenizerConfig: null,
    prices: geminiPrices(...model.prices),
    ...(longContext
      ? {
          tiers: [
            longContextTier(`Long context (>${longContext.aboveTokens / 1000}k input tokens)`, longContext.aboveTokens, GEMINI_INPUT_KEYS, geminiPrices(...longContext.prices)),
          ],
        }
      : {}),
  };
}

const PREVIEW_SUFFIX = "(-(preview|exp)(-[0-9-]+)?)?";

const GOOGLE: DefaultModel[] = [
  gemini({
    name: "gemini-1.5-pro",
    pattern: [String.raw`gemini-1\.5-pro(-00[12]|-latest)?`],
    prices: [1.25, 0.3125, 5],
    longContext: { aboveTokens: 128_000, prices: [2.5, 0.625, 10] },
  }),
  gemini({
    name: "gemini-1.5-flash",
    pattern: [String.raw`gemini-1\.5-flash(-00[12]|-latest)?`],
    prices: [0.075, 0.01875, 0.3],
    longContext: { aboveTokens: 128_000, prices: [0.15, 0.0375, 0.6] },
  }),
  gemini({
    name: "gemini-1.5-flash-8b",
    pattern: [String.raw`gemini-1\.5-flash-8b(-001|-latest)?`],
    prices: [0.0375, 0.01, 0.15],
    longContext: { aboveTokens: 128_000, prices: [0.075, 0.02, 0.3] },
  }),
  gemini({ name: "gemini-2.0-flash", pattern: [String.raw`gemini-2\.0-flash(-001|-exp)?`], prices: [0.1, 0.025, 0.4] }),
  gemini({ name: "gemini-2.0-flash-lite", pattern: [String.raw`gemini-2\.0-flash-lite(-001|-preview(-[0-9-]+)?)?`], prices: [0.075, 0.075, 0.3] }),
  gemini({
    name: "gemini-2.5-pro",
    pattern: [String.raw`gemini-2\.5-pro${PREVIEW_SUFFIX}`],
    prices: [1.25, 0.125, 10],
    longContext: { aboveTokens: 200_000, prices: [2.5, 0.25, 15] },
  }),
  gemini({ name: "gemini-2.5-flash", pattern: [String.raw`gemini-2\.5-flash${PREVIEW_SUFFIX}`], prices: [0.3, 0.03, 2.5] }),
  gemini({ name: "gemini-2.5-flash-lite", pattern: [String.raw`gemini-2\.5-flash-lite${PREVIEW_SUFFIX}`], prices: [0.1, 0.01, 0.4] }),
];

// ---- Open-weight and other providers --------------------------------------------------------

function simpleModel(modelName: string, matchPattern: string, prices: PricesPerMillion): DefaultModel {
  return { modelName, matchPattern, tokenizerId: null, tokenizerConfig: null, prices };
}

const MISTRAL: DefaultModel[] = [
  simpleModel("mistral-large", prefixedPattern("mistral", "mistral-large-(latest|2411|2407)"), plainPrices(2, 6)),
  simpleModel("mistral-medium", prefixedPattern("mistral", "mistral-medium-(latest|2505|2508)"), plainPrices(0.4, 2)),
  simpleModel("mistral-small", prefixedPattern("mistral", "mistral-small-(latest|2501|2503|2506)"), plainPrices(0.1, 0.3)),
  simpleModel("magistral-medium", prefixedPattern("mistral", "magistral-medium-(latest|2506|2507|2509)"), plainPrices(2, 5)),
  simpleModel("magistral-small", prefixedPattern("mistral", "magistral-small-(latest|2506|2507|2509)"), plainPrices(0.5, 1.5)),
  simpleModel("codestral", prefixedPattern("mistral", "codestral-(latest|2501|2508)"), plainPrices(0.3, 0.9)),
  simpleModel("pixtral-large", prefixedPattern("mistral", "pixtral-large-(latest|2411)"), plainPrices(2, 6)),
  simpleModel("ministral-8b", prefixedPattern("mistral", "ministral-8b-(latest|2410)"), plainPrices(0.1, 0.1)),
  simpleModel("ministral-3b", prefixedPattern("mistral", "ministral-3b-(latest|2410)"), plainPrices(0.04, 0.04)),
  simpleModel("mistral-nemo", prefixedPattern("mistral", "open-mistral-nemo(-2407)?", "mistral-nemo"), plainPrices(0.15, 0.15)),
  simpleModel("mistral-embed", prefixedPattern("mistral", "mistral-embed"), embeddingPrice(0.1)),
];

/** Llama is priced by whoever serves it: Bedrock, Groq and Together ids each carry their price. */
const META_LLAMA: DefaultModel[] = [
  simpleModel("meta.llama3-1-8b-instruct", bedrockPattern(String.raw`meta\.llama3-1-8b-instruct-v1(:0)?`), plainPrices(0.22, 0.22)),
  simpleModel("meta.llama3-1-70b-instruct", bedrockPattern(String.raw`meta\.llama3-1-70b-instruct-v1(:0)?`), plainPrices(0.72, 0.72)),
  simpleModel("meta.llama3-1-405b-instruct", bedrockPattern(String.raw`meta\.llama3-1-405b-instruct-v1(:0)?`), plainPrices(2.4, 2.4)),
  simpleModel("meta.llama3-3-70b-instruct", bedrockPattern(String.raw`meta\.llama3-3-70b-instruct-v1(:0)?`), plainPrices(0.72, 0.72)),
  simpleModel("meta.llama4-scout-17b-instruct", bedrockPattern(String.raw`meta\.llama4-scout-17b-instruct-v1(:0)?`), plainPrices(0.17, 0.66)),
  simpleModel("meta.llama4-maverick-17b-instruct", bedrockPattern(String.raw`meta\.llama4-maverick-17b-instruct-v1(:0)?`), plainPrices(0.24, 0.97)),
  simpleModel("groq/llama-3.3-70b-versatile", prefixedPattern("groq", String.raw`llama-3\.3-70b-versatile`), plainPrices(0.59, 0.79)),
  simpleModel("groq/llama-3.1-8b-instant", prefixedPattern("groq", String.raw`llama-3\.1-8b-instant`), plainPrices(0.05, 0.08)),
  simpleModel("together/Llama-3.3-70B-Instruct-Turbo", prefixedPattern("together_ai", String.raw`meta-llama/llama-3\.3-70b-instruct-turbo`), plainPrices(0.88, 0.88)),
  simpleModel("together/Meta-Llama-3.1-8B-Instruct-Turbo", prefixedPattern("together_ai", String.raw`meta-llama/meta-llama-3\.1-8b-instruct-turbo`), plainPrices(0.18, 0.18)),
  simpleModel("together/Meta-Llama-3.1-405B-Instruct-Turbo", prefixedPattern("together_ai", String.raw`meta-llama/meta-llama-3\.1-405b-instruct-turbo`), plainPrices(3.5, 3.5)),
];

const novaPattern = (size: string) => String.raw`(?i)^((bedrock/)?((us|eu|apac|global)\.)?amazon\.nova-${size}-v1(:0)?|(amazon/)?nova-${size}(-v1)?)$`;

const AMAZON: DefaultModel[] = [
  simpleModel("amazon.nova-micro", novaPattern("micro"), novaPrices(0.035, 0.14, 0.00875)),
  simpleModel("amazon.nova-lite", novaPattern("lite"), novaPrices(0.06, 0.24, 0.015)),
  simpleModel("amazon.nova-pro", novaPattern("pro"), novaPrices(0.8, 3.2, 0.2)),
  simpleModel("amazon.nova-premier", novaPattern("premier"), novaPrices(2.5, 12.5, 0.625)),
];

const COHERE: DefaultModel[] = [
  simpleModel("command-a", prefixedPattern("cohere", "command-a-03-2025", "command-a"), plainPrices(2.5, 10)),
  simpleModel("command-r-plus", prefixedPattern("cohere", "command-r-plus(-08-2024)?"), plainPrices(2.5, 10)),
  simpleModel("command-r", prefixedPattern("cohere", "command-r(-08-2024)?"), plainPrices(0.15, 0.6)),
  simpleModel("command-r7b", prefixedPattern("cohere", "command-r7b(-12-2024)?"), plainPrices(0.0375, 0.15)),
  simpleModel("embed-v4.0", prefixedPattern("cohere", String.raw`embed-v4\.0`), embeddingPrice(0.12)),
  simpleModel("embed-v3.0", prefixedPattern("cohere", String.raw`embed-(english|multilingual)(-light)?-v3\.0`), embeddingPrice(0.1)),
];

const DEEPSEEK: DefaultModel[] = [
  simpleModel("deepseek-chat", prefixedPattern("deepseek", "deepseek-chat"), deepSeekPrices(0.28, 0.028, 0.42)),
  simpleModel("deepseek-reasoner", prefixedPattern("deepseek", "deepseek-reasoner"), deepSeekPrices(0.28, 0.028, 0.42)),
];

/** The models Wick manages for every project; `ModelRepository.syncManaged` keeps the database in step. */
export const DEFAULT_MODELS: readonly DefaultModel[] = [...OPENAI, ...ANTHROPIC, ...GOOGLE, ...MISTRAL, ...META_LLAMA, ...AMAZON, ...COHERE, ...DEEPSEEK];
