import type { ClickHouseClient } from "@clickhouse/client";
import { MOST_BOUND_IDS } from "../query/params.ts";
import { insertRows, selectRows } from "../query/statements.ts";
import type { RowDeletes } from "../row-deletes.ts";
import { traces } from "./traces.ts";

const TABLE = "missing_score_traces" as const;

const NOTED = `SELECT trace_id FROM ${TABLE} WHERE project_id = {projectId:String}`;
/** Whether a noted id's trace is stored: the traces are read by id, among the noted ones only. */
const TRACE_STORED = `trace_id IN (SELECT id FROM ${traces.name} WHERE project_id = {projectId:String} AND id IN (${NOTED}))`;

/**
 * The ones of `traceIds` (distinct) that a stored trace has. Given as values, the ids are looked
 * up through the traces' id index (4 ms among 10 M traces), where a subquery's are not (19 ms).
 */
async function storedAmong(client: ClickHouseClient, projectId: string, traceIds: string[]): Promise<Set<string>> {
  if (traceIds.length === 0) return new Set();
  const stored = await selectRows<{ id: string }>(client, {
    name: `${TABLE}.stored-of-ids`,
    sql: `SELECT DISTINCT id FROM ${traces.name} WHERE project_id = {projectId:String} AND id IN {traceIds:Array(String)}`,
    params: { projectId, traceIds },
  });
  return new Set(stored.map((row) => row.id));
}

/** The ones of `traceIds` (distinct) that no stored trace has. */
async function withoutStored(client: ClickHouseClient, projectId: string, traceIds: string[]): Promise<string[]> {
  const stored = await storedAmong(client, projectId, traceIds);
  return traceIds.filter((id) => !stored.has(id));
}

/**
 * The trace ids scores named while no trace of that id was stored (0016_missing_score_traces.sql):
 * a superset of the traces that stored scores name and that do not exist. Whatever writes a score
 * whose trace is missing, or removes a trace from under a score that stays, notes the trace here
 * first; `forgetStored` removes the ids whose trace has arrived since. An instance's rounds, trace
 * deletes, retention sweeps and forgetting of one project take turns; a score written by one
 * instance while another removes the score's trace can be missed, as the rollups' days can
 * (ObservationRollupInvalidation), and so can a trace one instance notes while another forgets it.
 */
export const missingScoreTraces = {
  name: TABLE,

  /**
   * Notes the traces among `traceIds` that have no stored row. Called before the scores naming them
   * are written, so no read sees such a score before its trace is noted.
   */
  async noteAbsent(client: ClickHouseClient, projectId: string, traceIds: readonly string[]): Promise<void> {
    if (traceIds.length === 0) return;
    const absent = await withoutStored(client, projectId, [...new Set(traceIds)]);
    await insertRows(
      client,
      `${TABLE}.insert`,
      TABLE,
      absent.map((trace_id) => ({ project_id: projectId, trace_id })),
    );
  },

  /**
   * The project's trace ids that scores name and no trace row has, read once for a list's
   * statements to bind; undefined `ids` when more than `most` are noted (`absentIds` then finds
   * them in each statement).
   */
  async absent(client: ClickHouseClient, projectId: string, most = MOST_BOUND_IDS): Promise<{ ids?: string[] }> {
    const noted = await selectRows<{ trace_id: string }>(client, {
      name: `${TABLE}.noted`,
      sql: `SELECT DISTINCT trace_id FROM ${TABLE} WHERE project_id = {projectId:String} LIMIT {most:UInt32}`,
      params: { projectId, most: most + 1 },
    });
    if (noted.length > most) return {};
    return {
      ids: await withoutStored(
        client,
        projectId,
        noted.map((row) => row.trace_id),
      ),
    };
  },

  /**
   * The project's (`{projectId:String}`) trace ids that scores name and no trace row has, as a
   * subquery: the noted ids, less those whose trace has arrived since, looked up by id.
   */
  absentIds(): string {
    return `SELECT DISTINCT trace_id FROM ${TABLE} WHERE project_id = {projectId:String} AND NOT ${TRACE_STORED}`;
  },

  /** The projects with noted ids. */
  async projects(client: ClickHouseClient): Promise<string[]> {
    const rows = await selectRows<{ project_id: string }>(client, { name: `${TABLE}.projects`, sql: `SELECT DISTINCT project_id FROM ${TABLE}` });
    return rows.map((row) => row.project_id);
  },

  /**
   * Up to `most` of the project's noted ids whose trace is stored now: the ones `forgetStored` may
   * remove. Every list looks up each noted id, and the ids of traces that arrived after their
   * scores would otherwise pile up: a project whose scores come ahead of their spans notes nearly
   * every trace. Read outside the project's turn on the writer, so that a pass finding nothing to
   * forget (every noted trace still missing, 120 ms for 5,000 among 10 M traces) holds up no write.
   */
  async arrived(client: ClickHouseClient, projectId: string, most = MOST_BOUND_IDS): Promise<string[]> {
    const rows = await selectRows<{ trace_id: string }>(client, {
      name: `${TABLE}.arrived`,
      sql: `SELECT DISTINCT trace_id FROM ${TABLE} WHERE project_id = {projectId:String} AND ${TRACE_STORED} LIMIT {most:UInt32}`,
      params: { projectId, most },
    });
    return rows.map((row) => row.trace_id);
  },

  /**
   * Forgets the ones of `traceIds` whose trace is still stored. Runs in the project's turn on its
   * writer: a retention sweep or trace delete there notes a trace just before removing it, so an
   * id `arrived` gave may be noted again by now, its trace gone, and must stay.
   */
  async forgetStored(client: ClickHouseClient, rows: RowDeletes, projectId: string, traceIds: string[]): Promise<void> {
    const stored = [...(await storedAmong(client, projectId, traceIds))];
    if (stored.length === 0) return;
    await rows.delete(`${TABLE}.forget-arrived`, TABLE, "project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}", {
      projectId,
      traceIds: stored,
    });
  },
};
