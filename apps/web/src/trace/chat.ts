/** Recognises chat transcripts among observation inputs and outputs, in the shapes SDKs send them. */

export interface ChatMessage {
  role: string;
  /** A string, a list of content parts, or null (a message carrying only tool calls). */
  content: unknown;
  extra: Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function asMessage(value: unknown): ChatMessage | null {
  if (!isRecord(value) || typeof value.role !== "string" || !("content" in value || "tool_calls" in value)) return null;
  const { role, content, ...extra } = value;
  return { role, content: content ?? null, extra };
}

/**
 * A list of `{role, content}` messages, a single message (an output), or `{messages: [...]}` as
 * some integrations wrap them; null for anything else, which is then shown as JSON.
 */
export function chatMessages(value: unknown): ChatMessage[] | null {
  const list = isRecord(value) && Array.isArray(value.messages) ? value.messages : Array.isArray(value) ? value : isRecord(value) ? [value] : null;
  if (!list || list.length === 0) return null;
  const messages: ChatMessage[] = [];
  for (const entry of list) {
    const message = asMessage(entry);
    if (!message) return null;
    messages.push(message);
  }
  return messages;
}

/** The text of a content-parts list (`[{type: "text", text}]`), or null when a part is not text. */
export function partsText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && part.type === "text" && typeof part.text === "string") texts.push(part.text);
    else return null;
  }
  return texts.join("\n");
}
