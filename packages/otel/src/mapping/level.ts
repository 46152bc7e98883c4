import type { SpanRecord } from "../span-record.ts";

type Level = "DEBUG" | "DEFAULT" | "WARNING" | "ERROR";

const LEVEL_ALIASES: Record<string, Level> = {
  DEBUG: "DEBUG",
  TRACE: "DEBUG",
  VERBOSE: "DEBUG",
  DEFAULT: "DEFAULT",
  INFO: "DEFAULT",
  LOG: "DEFAULT",
  NOTICE: "DEFAULT",
  OK: "DEFAULT",
  SUCCESS: "DEFAULT",
  WARNING: "WARNING",
  WARN: "WARNING",
  ERROR: "ERROR",
  FATAL: "ERROR",
  CRITICAL: "ERROR",
};
/** LiveKit's housekeeping spans, shown at debug level. */
const LIVEKIT_DEBUG_SPANS = new Set([
  "user_speaking",
  "eou_detection",
  "llm_request_run",
  "tts_node",
  "tts_request",
  "tts_request_run",
  "tts_stream_adapter",
  "agent_speaking",
  "drain_agent_activity",
  "on_exit",
  "on_enter",
  "llm_fallback_adapter",
  "tts_fallback_adapter",
  "start_agent_activity",
]);
const STATUS_CODE_ERROR = 2;

/** Level (otel.md 4.3): the Langfuse attribute, then an error status, then LiveKit's debug spans. */
export function observationLevel(span: SpanRecord): Level {
  const explicit = span.attributes["langfuse.observation.level"];
  if (typeof explicit === "string") {
    const level = LEVEL_ALIASES[explicit.trim().toUpperCase()];
    if (level) return level;
  }
  if (span.status.code === STATUS_CODE_ERROR) return "ERROR";
  if (span.scope.name === "livekit-agents" && LIVEKIT_DEBUG_SPANS.has(span.name)) return "DEBUG";
  return "DEFAULT";
}

/** The Langfuse status message, else the span status message; non-strings as JSON. */
export function statusMessage(span: SpanRecord): string | undefined {
  const message = span.attributes["langfuse.observation.status_message"] ?? span.status.message;
  if (message === undefined || message === null) return undefined;
  return typeof message === "string" ? message : JSON.stringify(message);
}
