import { millisecondsBetween, observationColumns, observations, scores, traces, type MergedTable } from "@wick/clickhouse";
import type { BoundWindow, Dimension, Relation } from "./types.ts";

/** `column` inside the query window, both ends inclusive as the reference's. */
export const inWindow = (column: string, window: BoundWindow) => `${column} >= ${window.from} AND ${column} <= ${window.to}`;

/** `FROM` the project's current rows of `table`, those in the window unless `windowed` is false. */
const currentRows = (table: MergedTable, window: BoundWindow, windowed = true) =>
  `FROM ${table.final()} WHERE project_id = ${window.projectId}${windowed ? ` AND ${inWindow(table.time, window)}` : ""}`;

// Lookups are plain (ALL) joins: under FINAL an entity has one row, so each base row finds at most
// one partner. `ANY` would not say that: ClickHouse's INNER ANY JOIN also uses each right row at most
// once, which keeps one of a trace's observations (or one of an observation's scores) and drops the
// rest. A plain join measured as fast as the LEFT ANY form.

/**
 * The trace of a base row, as alias `tr`. v1 joins it INNER and only when its timestamp lies in the
 * window (the reference's relation semantics); v2 reads trace attributes as if denormalized onto
 * the observation, so there a missing trace leaves them empty instead of dropping the row.
 */
export function traceLookup(traceIdColumn: string, mode: { join: "INNER" | "LEFT"; windowed: boolean }): Relation {
  return {
    kind: "lookup",
    join: (window) =>
      `${mode.join} JOIN (
        SELECT id, name, user_id, session_id, release, version, tags, metadata ${currentRows(traces, window, mode.windowed)}
      ) AS tr ON tr.id = ${traceIdColumn}`,
  };
}

/** The observation a score is attached to, as alias `ob`, when it started inside the window. */
export const scoreObservationLookup: Relation = {
  kind: "lookup",
  join: (window) =>
    `INNER JOIN (
      SELECT id, trace_id, name, provided_model_name, prompt_name, prompt_version, experiment_name, experiment_id ${currentRows(observations, window)}
    ) AS ob ON ob.id = s.observation_id AND ob.trace_id = s.trace_id`,
};

/**
 * Scores per observation (`sc.scores`), counted inside the window. Joined INNER as the reference
 * does, so asking for it keeps only observations that have scores; pre-aggregated so it never
 * multiplies the observation's own values.
 */
export const scoresPerObservation: Relation = {
  kind: "perEntity",
  join: (window) =>
    `INNER JOIN (
      SELECT observation_id, count() AS scores ${currentRows(scores, window)} AND observation_id IS NOT NULL
      GROUP BY observation_id
    ) AS sc ON sc.observation_id = o.id`,
};

/** Per-trace observation aggregates (`ot.*`) over observations that started inside the window. */
export const observationsPerTrace: Relation = {
  kind: "perEntity",
  join: (window) =>
    `INNER JOIN (
      SELECT trace_id,
             count() AS observations,
             ${millisecondsBetween("min(start_time)", "max(end_time)")} AS latency,
             sum(${observationColumns().totalUsage}) AS total_tokens,
             sum(total_cost) AS total_cost
      ${currentRows(observations, window)}
      GROUP BY trace_id
    ) AS ot ON ot.trace_id = t.id`,
};

/** Scores per trace (`st.scores`), counted inside the window. */
export const scoresPerTrace: Relation = {
  kind: "perEntity",
  join: (window) =>
    `INNER JOIN (
      SELECT trace_id, count() AS scores ${currentRows(scores, window)} AND trace_id IS NOT NULL
      GROUP BY trace_id
    ) AS st ON st.trace_id = t.id`,
};

/** The v1 views' trace attributes, read from the `tr` lookup as stored. */
export const v1TraceDimensions: Record<string, Dimension> = {
  traceName: { sql: "tr.name", type: "string", relation: "trace" },
  tags: { sql: "tr.tags", type: "string[]", relation: "trace" },
  userId: { sql: "tr.user_id", type: "string", relation: "trace" },
  sessionId: { sql: "tr.session_id", type: "string", relation: "trace" },
  traceRelease: { sql: "tr.release", type: "string", relation: "trace" },
  traceVersion: { sql: "tr.version", type: "string", relation: "trace" },
};
