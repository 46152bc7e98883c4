import type { SpanRecord } from "../span-record.ts";
import { asText, isTruthy, parseJson } from "./values.ts";

const USER_KEYS = ["langfuse.user.id", "user.id", "langfuse.observation.metadata.langfuse_user_id", "langfuse.trace.metadata.langfuse_user_id", "ai.telemetry.metadata.userId"];
const SESSION_KEYS = [
  "langfuse.session.id",
  "session.id",
  "gen_ai.conversation.id",
  "langfuse.observation.metadata.langfuse_session_id",
  "langfuse.trace.metadata.langfuse_session_id",
  "ai.telemetry.metadata.sessionId",
];
const TAG_KEYS = [
  "langfuse.trace.tags",
  "langfuse.tags",
  "langfuse.observation.metadata.langfuse_tags",
  "langfuse.trace.metadata.langfuse_tags",
  "ai.telemetry.metadata.tags",
  "tag.tags",
];
/** Attributes that make a span update its trace (otel.md 3.1); `gen_ai.conversation.id` is not one. */
const TRACE_UPDATE_KEYS = [
  "langfuse.trace.name",
  "langfuse.trace.input",
  "langfuse.trace.output",
  "langfuse.trace.metadata",
  "user.id",
  "session.id",
  "langfuse.trace.public",
  "langfuse.trace.tags",
  "langfuse.user.id",
  "langfuse.session.id",
  "langfuse.observation.metadata.langfuse_user_id",
  "langfuse.observation.metadata.langfuse_session_id",
  "langfuse.observation.metadata.langfuse_tags",
  "ai.telemetry.metadata.sessionId",
  "ai.telemetry.metadata.userId",
  "ai.telemetry.metadata.tags",
  "tag.tags",
];

function firstText(attributes: Record<string, unknown>, keys: string[]): string | undefined {
  const key = keys.find((candidate) => isTruthy(attributes[candidate]));
  return key === undefined ? undefined : asText(attributes[key]);
}

export const userId = (span: SpanRecord) => firstText(span.attributes, USER_KEYS);
export const sessionId = (span: SpanRecord) => firstText(span.attributes, SESSION_KEYS);

/** Tags from an array, a JSON array, a comma-separated list or a single string. */
export function tags(span: SpanRecord): string[] {
  const key = TAG_KEYS.find((candidate) => isTruthy(span.attributes[candidate]));
  const value = key === undefined ? undefined : span.attributes[key];
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== "string") return [];
  if (value.startsWith("[")) {
    const parsed = parseJson(value);
    if (Array.isArray(parsed)) return parsed.map(String);
  }
  if (value.includes(",")) return value.split(",").map((tag) => tag.trim());
  return [value];
}

/** `true` only for `true`/`"true"`; any other present value is `false`; absent is undefined. */
export function isPublic(span: SpanRecord): boolean | undefined {
  const value = span.attributes["langfuse.trace.public"] ?? span.attributes["langfuse.public"];
  if (value === undefined || value === null) return undefined;
  return value === true || value === "true";
}

export const traceName = (span: SpanRecord) => (isTruthy(span.attributes["langfuse.trace.name"]) ? asText(span.attributes["langfuse.trace.name"]) : undefined);

/** A root starts a trace: no parent, or the SDK's explicit `langfuse.internal.as_root`. */
export const isRoot = (span: SpanRecord) => span.parentSpanId === null || String(span.attributes["langfuse.internal.as_root"]) === "true";

/** The SDK marks the first span of the application's own trace, even one under an external parent. */
export const isAppRoot = (span: SpanRecord) => String(span.attributes["langfuse.internal.is_app_root"]) === "true";

export function hasTraceUpdates(span: SpanRecord): boolean {
  return TRACE_UPDATE_KEYS.some((key) => isTruthy(span.attributes[key])) || Object.keys(span.attributes).some((key) => key.startsWith("langfuse.trace.metadata"));
}
