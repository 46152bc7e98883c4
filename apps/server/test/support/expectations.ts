import { expect } from "vitest";

/** Any ISO 8601 UTC timestamp with milliseconds, as every API response formats them. */
export const ISO_DATE = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

/** The message `JSON.parse` gives for `text`, which the API quotes when it refuses a JSON string. */
export function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}
