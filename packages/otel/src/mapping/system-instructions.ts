import { parseJson } from "./values.ts";

function instructionText(instructions: unknown): string {
  const parsed = typeof instructions === "string" ? (parseJson(instructions) ?? instructions) : instructions;
  if (Array.isArray(parsed)) {
    return parsed
      .map((part) => (part !== null && typeof part === "object" && (part as { content?: unknown }).content ? String((part as { content: unknown }).content) : String(part)))
      .join("\n");
  }
  return String(parsed);
}

/**
 * Puts `gen_ai.system_instructions` in front of the messages as a system message, unless one is
 * there already; a JSON-string input stays a string. Anything that is not a message list is kept.
 */
export function withSystemInstructions(input: unknown, instructions: unknown): unknown {
  if (!input || !instructions) return input;
  const messages = typeof input === "string" ? parseJson(input) : input;
  if (!Array.isArray(messages)) return input;
  if (messages.some((message) => message !== null && typeof message === "object" && (message as { role?: unknown }).role === "system")) return input;
  const merged = [{ role: "system", content: instructionText(instructions) }, ...messages];
  return typeof input === "string" ? JSON.stringify(merged) : merged;
}
