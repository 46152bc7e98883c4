import type { Attributes, SpanEvent, SpanRecord } from "../span-record.ts";
import { rebuildFlattened } from "./flattened-keys.ts";
import { withSystemInstructions } from "./system-instructions.ts";
import { isRecord, isTruthy, parseJson } from "./values.ts";

export interface InputOutput {
  input?: unknown;
  output?: unknown;
}

type Step = (attributes: Attributes, span: SpanRecord) => InputOutput | undefined;

const present = (value: unknown) => value !== undefined && value !== null;
const either = (input: unknown, output: unknown): InputOutput | undefined => (isTruthy(input) || isTruthy(output) ? { input, output } : undefined);
const firstPresent = (attributes: Attributes, keys: string[]) => attributes[keys.find((key) => key in attributes) ?? ""];
const MESSAGE_EVENTS: Record<string, string> = {
  "gen_ai.system.message": "system",
  "gen_ai.user.message": "user",
  "gen_ai.assistant.message": "assistant",
  "gen_ai.tool.message": "tool",
};

/** OTel GenAI semantic conventions: messages, else tool-call arguments and result (step 16). */
function genAiSemconv(attributes: Attributes): InputOutput | undefined {
  const messages = either(withSystemInstructions(attributes["gen_ai.input.messages"], attributes["gen_ai.system_instructions"]), attributes["gen_ai.output.messages"]);
  return messages ?? either(attributes["gen_ai.tool.call.arguments"], attributes["gen_ai.tool.call.result"]);
}

function aiSdk(attributes: Attributes): InputOutput {
  const input = firstPresent(attributes, ["ai.prompt.messages", "ai.prompt", "ai.toolCall.args"]);
  let output: unknown;
  if ("ai.response.text" in attributes && "ai.response.toolCalls" in attributes) {
    output = JSON.stringify({ role: "assistant", content: attributes["ai.response.text"], tool_calls: attributes["ai.response.toolCalls"] });
  } else if (isTruthy(attributes["ai.response.text"])) {
    output = attributes["ai.response.text"];
  } else {
    output = firstPresent(attributes, ["ai.result.text", "ai.toolCall.result", "ai.response.object", "ai.result.object", "ai.response.toolCalls", "ai.result.toolCalls"]);
  }
  // Per side: AI SDK 7 spans carry GenAI messages and tool-call attributes instead (langfuse#14633).
  const semconv = genAiSemconv(attributes);
  return { input: input ?? semconv?.input, output: output ?? semconv?.output };
}

function genkit(attributes: Attributes): InputOutput {
  const input = parseJson(attributes["genkit:input"]) ?? attributes["genkit:input"];
  const output = parseJson(attributes["genkit:output"]) ?? attributes["genkit:output"];
  return { input: (isRecord(input) ? input.messages : undefined) ?? input, output: (isRecord(output) ? output.message : undefined) ?? output };
}

function flue(attributes: Attributes): InputOutput | undefined {
  const input = attributes["flue.turn.input"] ?? attributes["flue.tool.arguments"] ?? attributes["flue.task.prompt"] ?? attributes["flue.workflow.payload"];
  const output =
    attributes["flue.turn.output"] ?? attributes["flue.tool.result"] ?? attributes["flue.task.result"] ?? attributes["flue.operation.result"] ?? attributes["flue.workflow.result"];
  if (!present(input) && !present(output)) return undefined;
  return { input: parseJson(input) ?? input ?? null, output: parseJson(output) ?? output ?? null };
}

function operationDetailsEvents(events: SpanEvent[]): InputOutput | undefined {
  for (const event of events) {
    if (event.name !== "gen_ai.client.inference.operation.details") continue;
    const found = genAiSemconv(event.attributes);
    if (found) return found;
  }
  return undefined;
}

function messageEvents(events: SpanEvent[]): InputOutput | undefined {
  const inputs = events.filter((event) => event.name in MESSAGE_EVENTS);
  const choices = events.filter((event) => event.name === "gen_ai.choice");
  if (inputs.length === 0 && choices.length === 0) return undefined;
  return {
    input: inputs.length > 0 ? inputs.map((event) => ({ role: MESSAGE_EVENTS[event.name], ...event.attributes })) : null,
    output: choices.length === 0 ? null : choices.length === 1 ? choices[0]!.attributes : choices.map((event) => event.attributes),
  };
}

/** Semantic Kernel's older `gen_ai.content.prompt`/`.completion` events, read through the chain again. */
function semanticKernelEvents(events: SpanEvent[], span: SpanRecord): InputOutput | undefined {
  const prompt = events.find((event) => event.name === "gen_ai.content.prompt")?.attributes;
  const completion = events.find((event) => event.name === "gen_ai.content.completion")?.attributes;
  if (!prompt && !completion) return undefined;
  const input = prompt ?? {};
  const output = completion ?? {};
  const nested = (attributes: Attributes) => frameworkChain(attributes, [], span);
  return { input: nested(input).input || input, output: nested(output).output || output };
}

function googleAdk(attributes: Attributes): InputOutput | undefined {
  let input = attributes["gcp.vertex.agent.llm_request"];
  let output = attributes["gcp.vertex.agent.llm_response"];
  // ADK sets the model fields to "{}" on tool spans and carries the tool call instead.
  if (input === "{}" || !input) input = attributes["gcp.vertex.agent.tool_call_args"];
  if (output === "{}" || !output) output = attributes["gcp.vertex.agent.tool_response"];
  return either(input, output);
}

function logfireEvents(attributes: Attributes): InputOutput | undefined {
  const raw = attributes.events;
  if (typeof raw !== "string" && !Array.isArray(raw)) return undefined;
  const parsed = typeof raw === "string" ? parseJson(raw) : raw;
  const events = Array.isArray(parsed) ? parsed : [];
  const isChoice = (event: unknown) => isRecord(event) && event["event.name"] === "gen_ai.choice";
  const choice = events.find(isChoice);
  const inputs = events.filter((event) => !isChoice(event));
  return choice || inputs.length > 0 ? { input: inputs.length > 0 ? inputs : null, output: choice ?? null } : undefined;
}

function pydanticAi(attributes: Attributes, span: SpanRecord): InputOutput | undefined {
  if (span.scope.name !== "pydantic-ai") return undefined;
  const input = withSystemInstructions(attributes["pydantic_ai.all_messages"] ?? null, attributes["gen_ai.system_instructions"]);
  return either(input, attributes.final_result ?? null);
}

function flattened(attributes: Attributes, inputPrefix: string, outputPrefix: string): InputOutput | undefined {
  const keys = Object.keys(attributes);
  if (!keys.some((key) => key.startsWith(inputPrefix) || key.startsWith(outputPrefix))) return undefined;
  const only = (prefix: string) => Object.fromEntries(Object.entries(attributes).filter(([key]) => key.startsWith(prefix)));
  return { input: rebuildFlattened(only(inputPrefix), inputPrefix), output: rebuildFlattened(only(outputPrefix), outputPrefix) };
}

/** Steps 8–16 of otel.md 4.9, each a pair of keys or a rebuilt structure; the first that yields wins. */
const ATTRIBUTE_STEPS: Step[] = [
  googleAdk,
  (a) => either(a.prompt, a.all_messages_events),
  (a) => either(a["lk.input_text"] ?? a["lk.user_transcript"] ?? a["lk.chat_ctx"], a["lk.function_tool.output"] || a["lk.response.text"]),
  logfireEvents,
  (a) => either(a["mlflow.spanInputs"], a["mlflow.spanOutputs"]),
  (a) => either(a["traceloop.entity.input"], a["traceloop.entity.output"]),
  (a) => either(a["input.value"], a["output.value"]),
  (a) => either(a.input, a.output),
  pydanticAi,
  (a) => either(a.tool_arguments, a.tool_response),
  (a) => flattened(a, "gen_ai.prompt", "gen_ai.completion"),
  (a) => flattened(a, "llm.input_messages", "llm.output_messages"),
  genAiSemconv,
];

/** Input and output from framework attributes and span events (otel.md 4.9 steps 2–16). */
function frameworkChain(attributes: Attributes, events: SpanEvent[], span: SpanRecord): InputOutput {
  const scope = span.scope.name;
  if (scope === "genkit-tracer") return genkit(attributes);
  if (scope === "ai") return aiSdk(attributes);
  const found = (scope === "@flue/opentelemetry" ? flue(attributes) : undefined) ?? operationDetailsEvents(events) ?? messageEvents(events) ?? semanticKernelEvents(events, span);
  if (found) return found;
  for (const step of ATTRIBUTE_STEPS) {
    const result = step(attributes, span);
    if (result) return result;
  }
  return {};
}

/**
 * Input and output of an observation, or of the trace a root span starts (otel.md 4.9, 4.10).
 * Langfuse's own attributes win. Where they give only one side, the other side comes from the
 * framework attributes instead of staying empty, as it does in the reference (langfuse#14633:
 * integrations that set only the Langfuse input lost the model's output).
 */
export function inputOutput(span: SpanRecord, domain: "observation" | "trace"): InputOutput {
  const { attributes } = span;
  const pick = (side: "input" | "output") =>
    domain === "trace" && isTruthy(attributes[`langfuse.trace.${side}`]) ? attributes[`langfuse.trace.${side}`] : attributes[`langfuse.observation.${side}`];
  const langfuse = { input: pick("input"), output: pick("output") };
  if (present(langfuse.input) && present(langfuse.output)) return langfuse;
  const framework = frameworkChain(attributes, span.events, span);
  if (!present(langfuse.input) && !present(langfuse.output)) return framework;
  return { input: langfuse.input ?? framework.input, output: langfuse.output ?? framework.output };
}

/** A trace's input and output from a span that only updates it: the Langfuse trace attributes alone. */
export function traceUpdateInputOutput(span: SpanRecord): InputOutput {
  return { input: span.attributes["langfuse.trace.input"], output: span.attributes["langfuse.trace.output"] };
}
