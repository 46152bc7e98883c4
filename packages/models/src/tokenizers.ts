import type { Tiktoken, TiktokenBPE, TiktokenEncoding } from "js-tiktoken/lite";
import type { ModelDefinition } from "./model.ts";

export type TokenizerModel = Pick<ModelDefinition, "tokenizerId" | "tokenizerConfig">;

interface OpenAiTokenizerConfig {
  tokenizerModel: string;
  tokensPerMessage?: number;
  tokensPerName?: number;
}

interface ChatMessage {
  role: string;
  content: string;
  name?: string;
}

// Rank tables are megabytes each: load them on first use, one encoding at a time.
const RANKS: Record<TiktokenEncoding, () => Promise<{ default: TiktokenBPE }>> = {
  gpt2: () => import("js-tiktoken/ranks/gpt2"),
  r50k_base: () => import("js-tiktoken/ranks/r50k_base"),
  p50k_base: () => import("js-tiktoken/ranks/p50k_base"),
  p50k_edit: () => import("js-tiktoken/ranks/p50k_edit"),
  cl100k_base: () => import("js-tiktoken/ranks/cl100k_base"),
  o200k_base: () => import("js-tiktoken/ranks/o200k_base"),
};
const encoders = new Map<TiktokenEncoding, Promise<Tiktoken>>();
let claudeEncoder: Promise<{ encode(text: string, allowedSpecial: "all"): ArrayLike<number> }> | undefined;

async function openAiEncoder(tokenizerModel: string): Promise<Tiktoken> {
  const lite = await import("js-tiktoken/lite");
  // Throws for a model js-tiktoken does not know: that model gets no counts.
  const encoding = lite.getEncodingNameForModel(tokenizerModel as Parameters<typeof lite.getEncodingNameForModel>[0]);
  let encoder = encoders.get(encoding);
  if (!encoder) {
    encoder = RANKS[encoding]().then((ranks) => new lite.Tiktoken(ranks.default));
    encoders.set(encoding, encoder);
    encoder.catch(() => encoders.delete(encoding));
  }
  return encoder;
}

function openAiConfig(config: unknown): OpenAiTokenizerConfig | undefined {
  if (config === null || typeof config !== "object") return undefined;
  const { tokenizerModel, tokensPerMessage, tokensPerName } = config as Record<string, unknown>;
  if (typeof tokenizerModel !== "string") return undefined;
  return {
    tokenizerModel,
    tokensPerMessage: typeof tokensPerMessage === "number" ? tokensPerMessage : undefined,
    tokensPerName: typeof tokensPerName === "number" ? tokensPerName : undefined,
  };
}

/** The stored text as a chat transcript, when it is a JSON array of string-valued messages. */
function chatMessages(text: string): ChatMessage[] | undefined {
  if (!text.startsWith("[")) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return undefined;
  const isMessage = (item: unknown): item is ChatMessage => {
    if (item === null || typeof item !== "object") return false;
    const { role, content, name } = item as Record<string, unknown>;
    return typeof role === "string" && typeof content === "string" && (name === undefined || typeof name === "string");
  };
  return parsed.every(isMessage) ? parsed : undefined;
}

async function countOpenAi(config: unknown, text: string): Promise<number | undefined> {
  const settings = openAiConfig(config);
  if (!settings) return undefined;
  const encoder = await openAiEncoder(settings.tokenizerModel);
  const tokens = (value: string) => encoder.encode(value, "all").length;
  const messages = settings.tokensPerMessage !== undefined && settings.tokensPerName !== undefined ? chatMessages(text) : undefined;
  if (!messages) return tokens(text);
  const { tokensPerMessage = 0, tokensPerName = 0 } = settings;
  let count = 3; // every reply is primed with <|start|>assistant<|message|>
  for (const message of messages) {
    count += tokensPerMessage + tokens(message.role) + tokens(message.content);
    if (message.name !== undefined) count += tokensPerName + tokens(message.name);
  }
  return count;
}

async function countClaude(text: string): Promise<number> {
  if (!claudeEncoder) {
    claudeEncoder = import("@anthropic-ai/tokenizer").then((module) => module.getTokenizer());
    claudeEncoder.catch(() => (claudeEncoder = undefined));
  }
  const encoder = await claudeEncoder;
  return encoder.encode(text.normalize("NFKC"), "all").length;
}

/**
 * Tokens in a stored input or output text under the model's tokenizer, or undefined when the model
 * has none Wick knows or counting fails: a missing count is better than a wrong one.
 */
export async function countTokens(model: TokenizerModel, text: string): Promise<number | undefined> {
  try {
    if (model.tokenizerId === "openai") return await countOpenAi(model.tokenizerConfig, text);
    if (model.tokenizerId === "claude") return await countClaude(text);
  } catch {
    // An unknown tokenizer model or a failing rank load: no counts, as documented.
  }
  return undefined;
}
