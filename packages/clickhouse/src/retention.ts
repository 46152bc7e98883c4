import type { ClickHouseClient } from "@clickhouse/client";
import { runCommand, selectRows } from "./query/statements.ts";
import { clickHouseInstant, DATETIME64 } from "./query/time.ts";
import type { RowDeletes } from "./row-deletes.ts";
import { missingScoreTraces } from "./tables/missing-score-traces.ts";
import { observations } from "./tables/observations.ts";
import { scores } from "./tables/scores.ts";
import { OBSERVATION_TRACE_KIND, SCORE_TRACE_KIND } from "./tables/raw-events.ts";
import { traces } from "./tables/traces.ts";

/** The tracing tables retention applies to, with the time that ages a row and the kind its logged events have. */
const AGED = [
  { table: traces, kind: "trace" },
  { table: observations, kind: "observation" },
  { table: scores, kind: "score" },
] as const;

const OLDER = (column: string) => `project_id = {projectId:String} AND ${column} < {cutoff:${DATETIME64}}`;

/**
 * Deletes a project's tracing data older than `cutoff` (auth-admin.md §2.12): traces by their
 * timestamp, observations by their start, scores by their timestamp, with the logged events they
 * were folded from (first, while the rows still say which) and the log's entries filing expired
 * observations and scores under their traces, so no later event brings one back whole; then the
 * experiment events derived from them. Sessions are left to `orphanedSessions`. The days of
 * observations that outlive their expiring trace go with the observations' delete (`alsoDays`),
 * and the traces of scores that outlive them are noted missing first. Each statement
 * matches only rows still visible, so a sweep costs what has expired since the last.
 *
 * An observation written during a sweep with a start already past the cutoff may outlive the
 * sweep while its log entry does not; it is hidden from its trace's reads until the next sweep
 * deletes it.
 */
export async function deleteExpiredRows(client: ClickHouseClient, rows: RowDeletes, projectId: string, cutoff: Date): Promise<void> {
  const params = { projectId, cutoff: clickHouseInstant(cutoff) };
  const ofKinds = [
    ...AGED.map(({ table, kind }) => `(entity_kind = '${kind}' AND entity_id IN (SELECT id FROM ${table.name} WHERE ${OLDER(table.time)}))`),
    `(entity_kind IN ('${OBSERVATION_TRACE_KIND}', '${SCORE_TRACE_KIND}') AND event_ts < {cutoff:${DATETIME64}})`,
  ];
  const outlivingDays = await daysOfObservationsOutlivingTraces(client, projectId, cutoff);
  await noteTracesOutlivedByScores(client, projectId, cutoff);
  await rows.delete("raw_events.delete-expired", "raw_events", `project_id = {projectId:String} AND (${ofKinds.join(" OR ")})`, params);
  await Promise.all([
    ...AGED.map(({ table }) =>
      rows.delete(`${table.name}.delete-expired`, table.name, OLDER(table.time), params, {
        before: cutoff,
        ...(table === observations ? { alsoDays: outlivingDays } : {}),
      }),
    ),
    rows.delete("experiment_link_events.delete-expired", "experiment_link_events", OLDER("start_time"), params),
  ]);
}

/**
 * The days from the cutoff on of the observations whose traces expire at `cutoff`: they outlive
 * their trace and lose its attributes (a user, say), which the day rollups summarize. Found by
 * the log's entries filing observations under those traces, read before the sweep removes them.
 */
async function daysOfObservationsOutlivingTraces(client: ClickHouseClient, projectId: string, cutoff: Date): Promise<string[]> {
  const found = await selectRows<{ day: string }>(client, {
    name: "raw_events.days-outliving-traces",
    sql: `SELECT DISTINCT toString(toDate32(event_ts)) AS day FROM raw_events
          WHERE project_id = {projectId:String} AND entity_kind = '${OBSERVATION_TRACE_KIND}' AND event_ts >= {cutoff:${DATETIME64}}
            AND entity_id IN (SELECT id FROM ${traces.name} WHERE ${OLDER(traces.time)})`,
    params: { projectId, cutoff: clickHouseInstant(cutoff) },
  });
  return found.map((row) => row.day);
}

/**
 * Notes as missing the traces expiring at `cutoff` that scores from the cutoff on name (found by
 * the log's entries filing scores under traces): the scores outlive them, and the score lists
 * leave out scores whose trace is missing. Noted before the traces go.
 */
async function noteTracesOutlivedByScores(client: ClickHouseClient, projectId: string, cutoff: Date): Promise<void> {
  await runCommand(client, {
    name: `${missingScoreTraces.name}.insert-outlived`,
    sql: `INSERT INTO ${missingScoreTraces.name} (project_id, trace_id)
          SELECT DISTINCT project_id, entity_id FROM raw_events
          WHERE project_id = {projectId:String} AND entity_kind = '${SCORE_TRACE_KIND}' AND event_ts >= {cutoff:${DATETIME64}}
            AND entity_id IN (SELECT id FROM ${traces.name} WHERE ${OLDER(traces.time)})`,
    params: { projectId, cutoff: clickHouseInstant(cutoff) },
  });
}

/**
 * The sessions of a project that no trace names any more (retention removed their traces), which
 * `deleteSessions` then removes. Their ids are returned so a writer's cache of stored sessions can
 * forget them: a later trace naming one must write its row again.
 */
export async function orphanedSessions(client: ClickHouseClient, projectId: string): Promise<string[]> {
  const found = await selectRows<{ id: string }>(client, {
    name: "sessions.orphaned",
    sql: `SELECT DISTINCT id FROM sessions WHERE project_id = {projectId:String}
          AND id NOT IN (SELECT session_id FROM ${traces.name} WHERE project_id = {projectId:String} AND session_id != '')`,
    params: { projectId },
  });
  return found.map((row) => row.id);
}

export function deleteSessions(rows: RowDeletes, projectId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return Promise.resolve();
  return rows.delete("sessions.delete-of-ids", "sessions", "project_id = {projectId:String} AND id IN {ids:Array(String)}", { projectId, ids });
}
