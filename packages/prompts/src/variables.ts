import type { ChatMessageWithPlaceholders } from "@wick/contracts";

const MUSTACHE = /\{\{(.*?)\}\}/g;
const VARIABLE_NAME = /^\p{L}[\p{L}\p{N}_]*$/u;

/** The `{{variable}}` names in a text, as the SDKs compile them. */
function variableNames(text: string): string[] {
  return [...text.matchAll(MUSTACHE)].map((match) => match[1]!).filter((name) => VARIABLE_NAME.test(name));
}

/**
 * Placeholder names that are also used as variables. Compiling such a prompt would be ambiguous,
 * so the reference refuses to create it.
 */
export function placeholderVariableClashes(messages: ChatMessageWithPlaceholders[]): string[] {
  const variables = new Set(messages.flatMap((message) => ("content" in message ? variableNames(message.content) : [])));
  const placeholders = messages.flatMap((message) => ("content" in message ? [] : [message.name]));
  return [...new Set(placeholders.filter((name) => variables.has(name)))];
}
