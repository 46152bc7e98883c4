import type { SpanRecord } from "../span-record.ts";
import type { ObservationType } from "./observation-type.ts";
import { isRecord, parseJson } from "./values.ts";

export interface PromptLink {
  promptName: string;
  promptVersion: number;
}

function integer(value: unknown): number | undefined {
  const number = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof number === "number" && Number.isInteger(number) && number > 0 ? number : undefined;
}

/**
 * The prompt a generation used (otel.md 4.8). Only a complete link (a name and a whole version) is
 * kept: the reference drops the whole observation over a half or malformed link, Wick drops only
 * the link.
 */
export function promptLink(span: SpanRecord, type: ObservationType): PromptLink | undefined {
  if (type !== "GENERATION") return undefined;
  const { attributes } = span;
  const aiSdkPrompt = parseJson(attributes["ai.telemetry.metadata.langfusePrompt"]);
  const fromAiSdk = isRecord(aiSdkPrompt) ? aiSdkPrompt : {};
  const name = attributes["langfuse.observation.prompt.name"] ?? attributes["langfuse.prompt.name"] ?? fromAiSdk.name;
  const version = integer(attributes["langfuse.observation.prompt.version"] ?? attributes["langfuse.prompt.version"] ?? fromAiSdk.version);
  return typeof name === "string" && name !== "" && version !== undefined ? { promptName: name, promptVersion: version } : undefined;
}
