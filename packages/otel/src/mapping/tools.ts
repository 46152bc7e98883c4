import { isRecord, parseJson } from "./values.ts";

type Metadata = Record<string, unknown>;

/** Keys of `metadata.attributes` that list the tools a model was offered. */
const TOOL_LIST_ATTRIBUTES = ["ai.prompt.tools", "gen_ai.tool.definitions", "model_request_parameters.function_tools"];
const OPENINFERENCE_TOOL = /^llm\.tools\.\d+\.tool\.json_schema$/;

const decoded = (value: unknown) => (typeof value === "string" ? (parseJson(value) ?? value) : value);

/** A tool's name, flat (`{name}`) or nested as OpenAI sends it (`{type, function: {name}}`). */
function toolName(tool: unknown): string | undefined {
  if (!isRecord(tool)) return undefined;
  const body = isRecord(tool.function) ? tool.function : tool;
  return typeof body.name === "string" ? body.name : undefined;
}

/** A list of tool definitions (each possibly JSON text), or undefined when it is not one. */
function toolList(value: unknown): unknown[] | undefined {
  const list = decoded(value);
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const tools = list.map(decoded);
  return tools.every((tool) => toolName(tool) !== undefined) ? tools : undefined;
}

function mergeTools(input: unknown, tools: unknown[]): unknown {
  const parsed = decoded(input);
  if (parsed === undefined || parsed === null) return { tools };
  if (Array.isArray(parsed)) return { messages: parsed, tools };
  if (isRecord(parsed)) {
    const existing = Array.isArray(parsed.tools) ? parsed.tools : [];
    const names = new Set(existing.map(toolName));
    return { ...parsed, tools: [...existing, ...tools.filter((tool) => !names.has(toolName(tool)))] };
  }
  return { prompt: parsed, tools };
}

/**
 * Moves tool definitions out of metadata into the input (otel.md 4.12): `metadata.tools` and the
 * tool-list attributes in `metadata.attributes`, when they are valid tool lists. Both objects are
 * returned changed; the originals are left alone.
 */
export function moveToolDefinitions(input: unknown, metadata: Metadata): { input: unknown; metadata: Metadata } {
  const found: unknown[] = [];
  const nextMetadata: Metadata = { ...metadata };
  const fromMetadata = toolList(metadata.tools);
  if (fromMetadata) {
    found.push(...fromMetadata);
    delete nextMetadata.tools;
  }
  if (isRecord(metadata.attributes)) {
    const attributes: Metadata = { ...metadata.attributes };
    for (const key of Object.keys(attributes)) {
      const tools = TOOL_LIST_ATTRIBUTES.includes(key) ? toolList(attributes[key]) : OPENINFERENCE_TOOL.test(key) ? toolList([attributes[key]]) : undefined;
      if (!tools) continue;
      found.push(...tools);
      delete attributes[key];
    }
    nextMetadata.attributes = attributes;
  }
  if (found.length === 0) return { input, metadata };
  const unique = found.filter((tool, index) => found.findIndex((other) => toolName(other) === toolName(tool)) === index);
  return { input: mergeTools(input, unique), metadata: nextMetadata };
}

/** What the definitions column keeps of a tool: its name, and its description and parameter schema as JSON. */
function definitionEntry(tool: unknown): [string, string] | undefined {
  if (!isRecord(tool)) return undefined;
  const body = isRecord(tool.function) ? tool.function : tool;
  if (typeof body.name !== "string") return undefined;
  // OpenAI and GenAI say `parameters`, Anthropic `input_schema`, the AI SDK `inputSchema`, Pydantic AI `parameters_json_schema`.
  const parameters = decoded(body.parameters ?? body.input_schema ?? body.inputSchema ?? body.parameters_json_schema) ?? {};
  return [body.name, JSON.stringify({ description: typeof body.description === "string" ? body.description : "", parameters })];
}

/**
 * The tools the model was offered (otel.md 4.12), from the `tools` of the input that tool
 * definitions were merged into: name → JSON `{description, parameters}`.
 */
export function toolDefinitions(input: unknown): Record<string, string> {
  const parsed = decoded(input);
  const tools = isRecord(parsed) ? decoded(parsed.tools) : undefined;
  if (!Array.isArray(tools)) return {};
  return Object.fromEntries(tools.map((tool) => definitionEntry(decoded(tool))).filter((entry) => entry !== undefined));
}

export interface ToolCall {
  id?: string;
  name: string;
  arguments: string;
}

/** One tool call in any of the shapes models and SDKs report them, or undefined. */
function toolCallOf(value: unknown): ToolCall | undefined {
  if (!isRecord(value)) return undefined;
  const fn = isRecord(value.function) ? value.function : undefined;
  const name = fn?.name ?? value.name ?? value.toolName;
  if (typeof name !== "string") return undefined;
  const args = fn?.arguments ?? value.arguments ?? value.args ?? value.input ?? {};
  const id = value.id ?? value.call_id ?? value.toolCallId;
  return { ...(typeof id === "string" ? { id } : {}), name, arguments: typeof args === "string" ? args : JSON.stringify(args) };
}

const CALL_PART_TYPES = new Set(["tool_call", "tool_use", "tool-call", "function_call"]);

/**
 * The tool calls a model's output asks for: OpenAI `tool_calls`, GenAI semantic-convention parts
 * (`{type: "tool_call"}`), Anthropic `tool_use` blocks and the AI SDK's tool-call lists, at any
 * depth of messages, parts and content.
 */
export function toolCalls(output: unknown): ToolCall[] {
  const calls: ToolCall[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 6) return;
    const value = decoded(node);
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth + 1);
      return;
    }
    if (!isRecord(value)) return;
    // AI SDK tool calls have no `type`, only `toolCallId`/`toolName`.
    if ((typeof value.type === "string" && CALL_PART_TYPES.has(value.type)) || typeof value.toolCallId === "string") {
      const call = toolCallOf(value);
      if (call) calls.push(call);
      return;
    }
    const listed = decoded(value.tool_calls ?? value.toolCalls);
    if (Array.isArray(listed)) {
      for (const item of listed) {
        const call = toolCallOf(decoded(item));
        if (call) calls.push(call);
      }
    }
    for (const key of ["parts", "content", "messages", "choices", "message", "output"]) {
      if (key in value) visit(value[key], depth + 1);
    }
  };
  visit(output, 0);
  return calls;
}
