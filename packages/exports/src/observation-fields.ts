/** The field groups an integration may choose for its observation files; `core` is always written. */
export type FieldGroup = "core" | "basic" | "time" | "io" | "metadata" | "model" | "usage" | "prompt" | "metrics" | "tools" | "trace_context";

/**
 * The columns of an exported observation, in the reference's order, each with the group that
 * selects it and how it is read from Wick's observation rows. Latency and time to first token are
 * seconds, as the public API gives them.
 */
const OBSERVATION_FIELDS: ReadonlyArray<{ field: string; group: FieldGroup; sql?: string }> = [
  { field: "id", group: "core" },
  { field: "trace_id", group: "core" },
  { field: "project_id", group: "core" },
  { field: "environment", group: "basic" },
  { field: "type", group: "core" },
  { field: "parent_observation_id", group: "core" },
  { field: "start_time", group: "core" },
  { field: "end_time", group: "core" },
  { field: "name", group: "basic" },
  { field: "metadata", group: "metadata" },
  { field: "level", group: "basic" },
  { field: "status_message", group: "basic" },
  { field: "version", group: "basic" },
  { field: "input", group: "io" },
  { field: "output", group: "io" },
  { field: "provided_model_name", group: "model" },
  { field: "model_parameters", group: "model" },
  { field: "usage_details", group: "usage" },
  { field: "cost_details", group: "usage" },
  { field: "completion_start_time", group: "time" },
  { field: "prompt_name", group: "prompt" },
  { field: "prompt_version", group: "prompt" },
  { field: "total_cost", group: "usage" },
  { field: "latency", group: "metrics", sql: "if(end_time IS NULL, NULL, date_diff('millisecond', start_time, end_time) / 1000)" },
  { field: "time_to_first_token", group: "metrics", sql: "if(completion_start_time IS NULL, NULL, date_diff('millisecond', start_time, completion_start_time) / 1000)" },
  { field: "model_id", group: "model", sql: "internal_model_id" },
  { field: "created_at", group: "time" },
  { field: "updated_at", group: "time" },
  { field: "prompt_id", group: "prompt" },
  { field: "tool_calls", group: "tools" },
  { field: "tool_call_names", group: "tools" },
  { field: "tool_definitions", group: "tools" },
  { field: "usage_pricing_tier_name", group: "usage" },
];

/** The SELECT list of an observation file with these groups (all of them when none are named). */
export function observationColumns(groups: readonly FieldGroup[] | undefined): string {
  const chosen = new Set<FieldGroup>(groups ?? OBSERVATION_FIELDS.map((entry) => entry.group));
  chosen.add("core");
  return OBSERVATION_FIELDS.filter((entry) => chosen.has(entry.group))
    .map((entry) => (entry.sql ? `${entry.sql} AS ${entry.field}` : entry.field))
    .join(", ");
}

/**
 * What `observations_v2` files add from the observation's trace, as the reference's v2 rows carry
 * it: the user and session with the basic fields, name, tags and release as the trace context.
 */
const TRACE_FIELDS: ReadonlyArray<{ field: string; group: FieldGroup; column: string }> = [
  { field: "user_id", group: "basic", column: "user_id" },
  { field: "session_id", group: "basic", column: "session_id" },
  { field: "trace_name", group: "trace_context", column: "name" },
  { field: "tags", group: "trace_context", column: "tags" },
  { field: "release", group: "trace_context", column: "release" },
];

/** The trace's fields an `observations_v2` file with these groups holds: output name and trace column. */
export function traceContextFields(groups: readonly FieldGroup[] | undefined): Array<{ field: string; column: string }> {
  return TRACE_FIELDS.filter((entry) => !groups || groups.includes(entry.group));
}
