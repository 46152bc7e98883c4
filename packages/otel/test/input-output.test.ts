import { describe, expect, it } from "vitest";
import { observationOf, type SpanSpec } from "./support.ts";

const io = (spec: SpanSpec) => {
  const { input, output } = observationOf(spec).body;
  return { input, output };
};

describe("observation input and output (otel.md 4.9): the first step that yields wins", () => {
  it.each<[string, SpanSpec, unknown, unknown]>([
    ["nothing", { attributes: { "app.x": "y" } }, undefined, undefined],
    ["1 Langfuse attributes beat every framework key", { attributes: { "langfuse.observation.input": "q", "langfuse.observation.output": "a", "input.value": "other" } }, "q", "a"],
    [
      "2 Genkit: messages and message",
      { attributes: { "genkit:input": '{"messages":[{"role":"user"}]}', "genkit:output": '{"message":{"role":"model"}}' }, scope: { name: "genkit-tracer" } },
      [{ role: "user" }],
      { role: "model" },
    ],
    ["3 AI SDK prompt messages and text", { attributes: { "ai.prompt.messages": "[m]", "ai.response.text": "hi" }, scope: { name: "ai" } }, "[m]", "hi"],
    [
      "3 AI SDK text with tool calls",
      { attributes: { "ai.prompt": "{}", "ai.response.text": "", "ai.response.toolCalls": "[]" }, scope: { name: "ai" } },
      "{}",
      JSON.stringify({ role: "assistant", content: "", tool_calls: "[]" }),
    ],
    ["3 AI SDK tool call args and result", { attributes: { "ai.toolCall.args": '{"a":1}', "ai.toolCall.result": "ok" }, scope: { name: "ai" } }, '{"a":1}', "ok"],
    ["3 AI SDK falls back per side to GenAI messages", { attributes: { "ai.prompt": "p", "gen_ai.output.messages": "[o]" }, scope: { name: "ai" } }, "p", "[o]"],
    ["4 Flue, JSON-decoded", { attributes: { "flue.tool.arguments": '{"q":1}', "flue.tool.result": "plain" }, scope: { name: "@flue/opentelemetry" } }, { q: 1 }, "plain"],
    [
      "5 GenAI operation-details event",
      { events: [{ name: "gen_ai.client.inference.operation.details", attributes: { "gen_ai.input.messages": "[in]", "gen_ai.output.messages": "[out]" } }] },
      "[in]",
      "[out]",
    ],
    [
      "6 GenAI message events",
      {
        events: [
          { name: "gen_ai.system.message", attributes: { content: "be nice" } },
          { name: "gen_ai.user.message", attributes: { content: "hi" } },
          { name: "gen_ai.choice", attributes: { index: 0 } },
        ],
      },
      [
        { role: "system", content: "be nice" },
        { role: "user", content: "hi" },
      ],
      { index: 0 },
    ],
    [
      "7 Semantic Kernel content events",
      {
        events: [
          { name: "gen_ai.content.prompt", attributes: { "gen_ai.prompt": "question" } },
          { name: "gen_ai.content.completion", attributes: { "gen_ai.completion": "answer" } },
        ],
      },
      "question",
      "answer",
    ],
    [
      "8 Google ADK tool call when the model fields are {}",
      { attributes: { "gcp.vertex.agent.llm_request": "{}", "gcp.vertex.agent.tool_call_args": "args", "gcp.vertex.agent.tool_response": "res" } },
      "args",
      "res",
    ],
    ["9 Logfire prompt", { attributes: { prompt: "p", all_messages_events: "[e]" } }, "p", "[e]"],
    ["10 LiveKit", { attributes: { "lk.user_transcript": "hello", "lk.response.text": "hi there" } }, "hello", "hi there"],
    [
      "11 Logfire events",
      {
        attributes: {
          events: JSON.stringify([
            { "event.name": "gen_ai.user.message", content: "q" },
            { "event.name": "gen_ai.choice", content: "a" },
          ]),
        },
      },
      [{ "event.name": "gen_ai.user.message", content: "q" }],
      { "event.name": "gen_ai.choice", content: "a" },
    ],
    ["12 MLflow", { attributes: { "mlflow.spanInputs": "i", "mlflow.spanOutputs": "o" } }, "i", "o"],
    ["13 Traceloop entity", { attributes: { "traceloop.entity.input": "i", "traceloop.entity.output": "o", "input.value": "later" } }, "i", "o"],
    ["14 OpenInference values", { attributes: { "input.value": "i", "output.value": "o" } }, "i", "o"],
    ["15 plain input/output", { attributes: { input: "i", output: "o" } }, "i", "o"],
    [
      "15a Pydantic AI, system instructions prepended",
      {
        attributes: { "pydantic_ai.all_messages": '[{"role":"user","content":"q"}]', "gen_ai.system_instructions": '[{"type":"text","content":"be brief"}]', final_result: "a" },
        scope: { name: "pydantic-ai" },
      },
      JSON.stringify([
        { role: "system", content: "be brief" },
        { role: "user", content: "q" },
      ]),
      "a",
    ],
    ["15b Pydantic AI tools", { attributes: { tool_arguments: "{}", tool_response: "r" } }, "{}", "r"],
    [
      "15c Traceloop indexed prompt and completion keys",
      { attributes: { "gen_ai.prompt.0.role": "user", "gen_ai.prompt.0.content": "hi", "gen_ai.completion.0.content": "yo" } },
      [{ role: "user", content: "hi" }],
      [{ content: "yo" }],
    ],
    [
      "15d OpenInference flattened messages",
      { attributes: { "llm.input_messages.0.message.role": "system", "llm.output_messages.0.message.content": "ok" } },
      [{ message: { role: "system" } }],
      [{ message: { content: "ok" } }],
    ],
    ["16 GenAI messages", { attributes: { "gen_ai.input.messages": '[{"role":"user"}]', "gen_ai.output.messages": "[]" } }, '[{"role":"user"}]', "[]"],
    [
      "16 GenAI tool call arguments and result",
      { attributes: { "gen_ai.tool.call.arguments": '{"city":"Paris"}', "gen_ai.tool.call.result": "sunny" } },
      '{"city":"Paris"}',
      "sunny",
    ],
  ])("%s", (_name, spec, input, output) => {
    expect(io(spec)).toEqual({ input, output });
  });

  it("16 prepends GenAI system instructions to messages without a system message", () => {
    const spec = { attributes: { "gen_ai.input.messages": '[{"role":"user","content":"q"}]', "gen_ai.system_instructions": "be brief" } };
    expect(JSON.parse(io(spec).input as string)).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "q" },
    ]);
  });

  it("rebuilds flattened keys without growing huge arrays or touching prototypes", () => {
    const { input } = io({ attributes: { "gen_ai.prompt.99999.content": "far", "gen_ai.prompt.0.content": "near", "gen_ai.prompt.__proto__.polluted": "x" } });
    expect(input).toEqual([{ content: "near" }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("Wick: when the Langfuse attributes give one side, the other comes from the framework keys (langfuse#14633)", () => {
    expect(io({ attributes: { "langfuse.observation.input": "from langfuse", "gen_ai.output.messages": "[out]" } })).toEqual({ input: "from langfuse", output: "[out]" });
    expect(io({ attributes: { "langfuse.observation.output": "", "gen_ai.tool.call.arguments": "{}" } })).toEqual({ input: "{}", output: "" });
  });
});

describe("tool definitions and calls (otel.md 4.12)", () => {
  it("moves tool definitions from the attributes into the input", () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: {} } }];
    const body = observationOf({
      attributes: { "gen_ai.operation.name": "chat", "gen_ai.input.messages": '[{"role":"user"}]', "gen_ai.tool.definitions": JSON.stringify(tools) },
    }).body;
    expect(body.input).toEqual({ messages: [{ role: "user" }], tools });
    expect((body.metadata as { attributes: object }).attributes).not.toHaveProperty("gen_ai.tool.definitions");
  });

  it.each<[string, unknown, unknown]>([
    ["no input", undefined, { tools: [{ name: "a" }] }],
    ["an object input, deduplicated by name", '{"q":1,"tools":[{"name":"a"}]}', { q: 1, tools: [{ name: "a" }] }],
    ["a plain string", "hello", { prompt: "hello", tools: [{ name: "a" }] }],
  ])("merges tools into %s", (_name, input, merged) => {
    const attributes = { "langfuse.observation.metadata.tools": '[{"name":"a"}]', ...(input === undefined ? {} : { "langfuse.observation.input": input as string }) };
    const body = observationOf({ attributes }).body;
    expect(body.input).toEqual(merged);
    expect(body.metadata).not.toHaveProperty("tools");
  });

  it("leaves lists that are not tool definitions in metadata", () => {
    const body = observationOf({ attributes: { "langfuse.observation.metadata.tools": '["not a tool"]' } }).body;
    expect(body.metadata).toMatchObject({ tools: '["not a tool"]' });
    expect(body).not.toHaveProperty("input");
  });
});
