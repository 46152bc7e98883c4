import { countTokens as claudeTokens } from "@anthropic-ai/tokenizer";
import { getEncoding } from "js-tiktoken";
import { describe, expect, it } from "vitest";
import { computeUsageAndCost, type CostModel, type PricingTier, type UsageAndCostInput } from "../src/index.ts";

const tier = (fields: Partial<PricingTier> & Pick<PricingTier, "prices">): PricingTier => ({
  id: `tier-${fields.priority ?? 0}`,
  name: "Standard",
  isDefault: true,
  priority: 0,
  conditions: [],
  ...fields,
});

/** The model of ingestion.md §2.8: input 2.5e-6, output 1e-5 (plus a cached-input price for row 3). */
const EXAMPLE_MODEL: CostModel = {
  tokenizerId: "openai",
  tokenizerConfig: { tokenizerModel: "gpt-4o", tokensPerMessage: 3, tokensPerName: 1 },
  pricingTiers: [tier({ prices: { input: "0.0000025", output: "0.00001", input_cached_tokens: "0.00000125" } })],
};

const compute = (args: Partial<UsageAndCostInput>) =>
  computeUsageAndCost({ providedUsageDetails: {}, providedCostDetails: {}, model: EXAMPLE_MODEL, input: null, output: null, level: "DEFAULT", ...args });

describe("ingestion.md §2.8 worked examples", () => {
  it('"usage":{"input":1000,"output":100}', async () => {
    const result = await compute({ providedUsageDetails: { input: 1000, output: 100, total: 1100 } });
    expect(result).toEqual({
      providedUsageDetails: { input: 1000, output: 100, total: 1100 },
      usageDetails: { input: 1000, output: 100, total: 1100 },
      costDetails: { input: 0.0025, output: 0.001, total: 0.0035 },
      totalCost: 0.0035,
      pricingTier: { id: "tier-0", name: "Standard" },
    });
  });

  it("OpenAI-style usage with inputCost: the cost was discarded upstream, so cost is model-based", async () => {
    const result = await compute({ providedUsageDetails: { input: 1000, output: 100, total: 1100 }, providedCostDetails: {} });
    expect(result.costDetails).toEqual({ input: 0.0025, output: 0.001, total: 0.0035 });
    expect(result.totalCost).toBe(0.0035);
  });

  it("Chat Completions usageDetails with cached tokens: input, output and cached input priced and summed", async () => {
    const result = await compute({ providedUsageDetails: { input: 600, input_cached_tokens: 400, output: 100, total: 1100 } });
    expect(result.usageDetails).toEqual({ input: 600, input_cached_tokens: 400, output: 100, total: 1100 });
    expect(result.costDetails).toEqual({ input: 0.0015, input_cached_tokens: 0.0005, output: 0.001, total: 0.003 });
    expect(result.totalCost).toBe(0.003);
  });

  it('raw usageDetails {"input":1000,"cache_read":"200"}: total is the sum; only priced keys cost', async () => {
    const result = await compute({ providedUsageDetails: { input: 1000, cache_read: "200" } });
    expect(result.providedUsageDetails).toEqual({ input: 1000, cache_read: 200 });
    expect(result.usageDetails).toEqual({ input: 1000, cache_read: 200, total: 1200 });
    expect(result.costDetails).toEqual({ input: 0.0025, total: 0.0025 });
    expect(result.totalCost).toBe(0.0025);
  });

  it('costDetails {"input":0.01,"output":0.02} with usage: provided costs win and add up to the total', async () => {
    const result = await compute({ providedUsageDetails: { input: 1000, output: 100 }, providedCostDetails: { input: 0.01, output: 0.02 }, input: "ignored" });
    expect(result.usageDetails).toEqual({ input: 1000, output: 100, total: 1100 });
    expect(result.costDetails).toEqual({ input: 0.01, output: 0.02, total: 0.03 });
    expect(result.totalCost).toBe(0.03);
    expect(result.pricingTier).toBeUndefined();
  });

  it('costDetails {"input":0.01,"cache_read":0.001}: no total', async () => {
    const result = await compute({ providedCostDetails: { input: 0.01, cache_read: 0.001 }, input: "not tokenised" });
    expect(result.usageDetails).toEqual({});
    expect(result.costDetails).toEqual({ input: 0.01, cache_read: 0.001 });
    expect(result.totalCost).toBeNull();
  });

  it('"model":"gpt-4o" with no usage or cost: input and output are tokenised and priced', async () => {
    const result = await compute({ input: "hello world", output: "The quick brown fox jumps over the lazy dog." });
    expect(result.providedUsageDetails).toEqual({});
    expect(result.usageDetails).toEqual({ input: 2, output: 10, total: 12 });
    expect(result.costDetails).toEqual({ input: 0.000005, output: 0.0001, total: 0.000105 });
    expect(result.totalCost).toBe(0.000105);
  });
});

describe("final usage_details (§2.4)", () => {
  it("normalises provided usage: null, negative, NaN and non-numeric values are dropped", async () => {
    const result = await compute({ providedUsageDetails: { input: 10, output: null, bad: -1, nan: Number.NaN, text: "abc", blank: "", flag: true, count: "7" } });
    expect(result.providedUsageDetails).toEqual({ input: 10, count: 7 });
    expect(result.usageDetails).toEqual({ input: 10, count: 7, total: 17 });
  });

  it("keeps a provided total as it is, even when it differs from the sum", async () => {
    const result = await compute({ providedUsageDetails: { input: 10, output: 5, total: 100 } });
    expect(result.usageDetails).toEqual({ input: 10, output: 5, total: 100 });
  });

  it("sums every key into the total, *_tokens keys included", async () => {
    const result = await compute({ providedUsageDetails: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } });
    expect(result.usageDetails.total).toBe(30);
  });

  it("does not tokenise when usage or costs were provided, at level ERROR, or without a model", async () => {
    const texts = { input: "hello world", output: "hello world" };
    expect((await compute({ ...texts, providedUsageDetails: { output: 3 } })).usageDetails).toEqual({ output: 3, total: 3 });
    expect((await compute({ ...texts, providedCostDetails: { total: 1 } })).usageDetails).toEqual({});
    expect((await compute({ ...texts, level: "ERROR" })).usageDetails).toEqual({});
    expect(await compute({ ...texts, model: undefined })).toEqual({ providedUsageDetails: {}, usageDetails: {}, costDetails: {}, totalCost: null });
  });

  it("tokenises only the texts that exist", async () => {
    const result = await compute({ input: "hello world", output: null });
    expect(result.usageDetails).toEqual({ input: 2, total: 2 });
  });

  it("counts a chat message array per message: tokensPerMessage, tokensPerName, plus 3", async () => {
    const messages = [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", name: "example_user", content: "Hello!" },
    ];
    const encoding = getEncoding("o200k_base");
    const tokens = (text: string) => encoding.encode(text).length;
    const expected = 3 + (3 + tokens("system") + tokens("You are a helpful assistant.")) + (3 + tokens("user") + 1 + tokens("example_user") + tokens("Hello!"));
    expect(expected).toBe(22);
    const result = await compute({ input: JSON.stringify(messages), output: "Hello!" });
    expect(result.usageDetails).toEqual({ input: 22, output: 2, total: 24 });
  });

  it("counts JSON that is not a message array as text", async () => {
    const text = JSON.stringify({ messages: [{ role: "user", content: "Hello!" }] });
    const result = await compute({ input: text });
    expect(result.usageDetails.input).toBe(getEncoding("o200k_base").encode(text).length);
  });

  it("counts a plain string with tiktoken's encoding for the tokenizer model", async () => {
    const model: CostModel = { ...EXAMPLE_MODEL, tokenizerConfig: { tokenizerModel: "gpt-3.5-turbo" } };
    const text = "Wick speaks the Langfuse public API, and counts tokens like it.";
    const result = await compute({ model, input: text });
    expect(result.usageDetails.input).toBe(getEncoding("cl100k_base").encode(text).length);
  });

  it("counts with Anthropic's tokenizer for claude", async () => {
    const model: CostModel = { ...EXAMPLE_MODEL, tokenizerId: "claude", tokenizerConfig: null };
    const result = await compute({ model, input: "Hello world", output: "The quick brown fox jumps over the lazy dog." });
    expect(result.usageDetails).toEqual({ input: claudeTokens("Hello world"), output: 10, total: claudeTokens("Hello world") + 10 });
  });

  it("gives no counts for an unknown tokenizer model or tokenizer id", async () => {
    for (const model of [
      { ...EXAMPLE_MODEL, tokenizerConfig: { tokenizerModel: "not-a-model" } },
      { ...EXAMPLE_MODEL, tokenizerId: "sentencepiece" },
      { ...EXAMPLE_MODEL, tokenizerId: null },
    ]) {
      expect(await compute({ model, input: "hello world" })).toMatchObject({ usageDetails: {}, costDetails: {}, totalCost: null });
    }
  });
});

describe("pricing tiers (§2.6)", () => {
  const LARGE_CONTEXT = tier({
    id: "large",
    name: "Large context",
    isDefault: false,
    priority: 1,
    conditions: [{ usageDetailPattern: "^(input|prompt)", operator: "gt", value: 200_000 }],
    prices: { input: "0.0000025", output: "0.000015" },
  });
  const FAST = tier({
    id: "fast",
    name: "Priority",
    isDefault: false,
    priority: 2,
    conditions: [{ source: "model_parameters", key: "service_tier", operator: "in", values: ["priority", "fast"] }],
    prices: { input: "0.000004", output: "0.00002" },
  });
  const TIERED: CostModel = {
    tokenizerId: null,
    tokenizerConfig: null,
    pricingTiers: [tier({ id: "standard", prices: { input: "0.00000125", output: "0.00001" } }), FAST, LARGE_CONTEXT],
  };
  const tiered = (args: Partial<UsageAndCostInput>) => compute({ model: TIERED, ...args });

  it("uses the default tier when no condition holds", async () => {
    const result = await tiered({ providedUsageDetails: { input: 200_000, output: 10 } });
    expect(result.pricingTier).toEqual({ id: "standard", name: "Standard" });
    expect(result.totalCost).toBe(0.2501);
  });

  it("sums the usage keys the pattern matches, case-insensitively by default", async () => {
    const result = await tiered({ providedUsageDetails: { Input: 150_000, prompt_cached: 60_000, output: 1_000 } });
    expect(result.pricingTier).toEqual({ id: "large", name: "Large context" });
  });

  it("honours caseSensitive", async () => {
    const model: CostModel = {
      ...TIERED,
      pricingTiers: [TIERED.pricingTiers[0]!, { ...LARGE_CONTEXT, conditions: [{ usageDetailPattern: "^input", operator: "gt", value: 10, caseSensitive: true }] }],
    };
    expect((await compute({ model, providedUsageDetails: { INPUT: 100 } })).pricingTier?.id).toBe("standard");
    expect((await compute({ model, providedUsageDetails: { input: 100 } })).pricingTier?.id).toBe("large");
  });

  it("prices with the chosen tier", async () => {
    const result = await tiered({ providedUsageDetails: { input: 300_000, output: 1_000 } });
    expect(result.costDetails).toEqual({ input: 0.75, output: 0.015, total: 0.765 });
  });

  it.each([
    ["gt", 100, false],
    ["gte", 100, true],
    ["lt", 101, true],
    ["lte", 100, true],
    ["eq", 100, true],
    ["neq", 100, false],
  ] as const)("compares with %s", async (operator, value, holds) => {
    const model: CostModel = { ...TIERED, pricingTiers: [TIERED.pricingTiers[0]!, { ...LARGE_CONTEXT, conditions: [{ usageDetailPattern: "^input$", operator, value }] }] };
    const result = await compute({ model, providedUsageDetails: { input: 100 } });
    expect(result.pricingTier?.id).toBe(holds ? "large" : "standard");
  });

  it("evaluates conditional tiers by ascending priority", async () => {
    const model: CostModel = { ...TIERED, pricingTiers: [TIERED.pricingTiers[0]!, { ...FAST, priority: 5 }, { ...LARGE_CONTEXT, priority: 3 }] };
    const result = await compute({ model, providedUsageDetails: { input: 300_000 }, tierAttributes: { modelParameters: { service_tier: "priority" } } });
    expect(result.pricingTier?.id).toBe("large");
  });

  it("matches attribute conditions on model parameters, scalars compared as strings", async () => {
    const usage = { providedUsageDetails: { input: 10, output: 10 } };
    expect((await tiered({ ...usage, tierAttributes: { modelParameters: { service_tier: "priority" } } })).pricingTier?.id).toBe("fast");
    expect((await tiered({ ...usage, tierAttributes: { modelParameters: { service_tier: "default" } } })).pricingTier?.id).toBe("standard");
    expect((await tiered({ ...usage, tierAttributes: { modelParameters: { service_tier: ["priority"] } } })).pricingTier?.id).toBe("standard");
    expect((await tiered({ ...usage, tierAttributes: { metadata: { service_tier: "priority" } } })).pricingTier?.id).toBe("standard");
    const numeric: CostModel = {
      ...TIERED,
      pricingTiers: [TIERED.pricingTiers[0]!, { ...FAST, conditions: [{ source: "metadata", key: "tier", operator: "in", values: ["2"] }] }],
    };
    expect((await compute({ model: numeric, ...usage, tierAttributes: { metadata: { tier: 2 } } })).pricingTier?.id).toBe("fast");
  });

  it("fails attribute conditions when no event carried usage (no attributes)", async () => {
    const result = await tiered({ providedUsageDetails: { input: 10 }, tierAttributes: undefined });
    expect(result.pricingTier?.id).toBe("standard");
  });

  it("never picks a conditional tier without conditions", async () => {
    const model: CostModel = { ...TIERED, pricingTiers: [TIERED.pricingTiers[0]!, { ...FAST, conditions: [] }] };
    expect((await compute({ model, providedUsageDetails: { input: 10 } })).pricingTier?.id).toBe("standard");
  });

  it("records no tier and no cost when usage is empty or the model has no tiers", async () => {
    expect(await tiered({ level: "ERROR" })).toEqual({ providedUsageDetails: {}, usageDetails: {}, costDetails: {}, totalCost: null });
    const unpriced: CostModel = { ...TIERED, pricingTiers: [] };
    expect(await compute({ model: unpriced, providedUsageDetails: { input: 5 } })).toEqual({
      providedUsageDetails: { input: 5 },
      usageDetails: { input: 5, total: 5 },
      costDetails: {},
      totalCost: null,
    });
  });
});

describe("cost and totals (§2.7)", () => {
  it("takes a provided total as the total cost", async () => {
    const result = await compute({ providedCostDetails: { input: 1, output: 2, total: 10 } });
    expect(result.costDetails).toEqual({ input: 1, output: 2, total: 10 });
    expect(result.totalCost).toBe(10);
  });

  it("derives the total from input or output alone", async () => {
    const result = await compute({ providedCostDetails: { output: 0.2 } });
    expect(result.costDetails).toEqual({ output: 0.2, total: 0.2 });
    expect(result.totalCost).toBe(0.2);
  });

  it("adds provided costs exactly", async () => {
    const result = await compute({ providedCostDetails: { input: 0.1, output: 0.2 } });
    expect(result.totalCost).toBe(0.3);
  });

  it("ignores null provided costs", async () => {
    const result = await compute({ providedUsageDetails: { input: 1000 }, providedCostDetails: { input: null, output: null } });
    expect(result.costDetails).toEqual({ input: 0.0025, total: 0.0025 });
  });

  it("uses the cost of a priced total as the total", async () => {
    const model: CostModel = { ...EXAMPLE_MODEL, pricingTiers: [tier({ prices: { input: "0.000001", total: "0.00000002" } })] };
    const result = await compute({ model, providedUsageDetails: { input: 1000 } });
    expect(result.costDetails).toEqual({ input: 0.001, total: 0.00002 });
    expect(result.totalCost).toBe(0.00002);
  });

  it("multiplies with decimals and rounds to 12 places", async () => {
    const model: CostModel = { ...EXAMPLE_MODEL, pricingTiers: [tier({ prices: { input: "0.0000025", output: "0.00000000000015" } })] };
    const result = await compute({ model, providedUsageDetails: { input: 987_654_321, output: 10 } });
    // As floats, 987654321 × 2.5e-6 is 2469.1358025000004.
    expect(result.costDetails).toEqual({ input: 2469.1358025, output: 0.000000000002, total: 2469.135802500002 });
  });

  it("gives no cost when no usage key has a price", async () => {
    const result = await compute({ providedUsageDetails: { images: 3 } });
    expect(result).toMatchObject({ costDetails: {}, totalCost: null, pricingTier: { id: "tier-0" } });
  });
});
