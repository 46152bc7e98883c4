import type { ClickHouseClient } from "@clickhouse/client";
import { insertRows, selectRows } from "../query/statements.ts";
import type { Where } from "../query/where.ts";

/** A session as first seen on a trace. */
export interface SessionRow {
  project_id: string;
  id: string;
  created_at: string;
  environment: string;
}

const NEWEST_FIRST = "created_at DESC, id DESC";

/**
 * How deep, as multiples of the rows a page needs, the newest-first windows reach: superseded
 * sightings not merged yet take room in a window (as in finalPage).
 */
const WINDOW_DEPTHS = [2, 32] as const;

/**
 * The current rows among `window` (a newest-first read without FINAL), in its order: a row is
 * current when no version of its session was seen earlier. Every version of the window's sessions
 * is looked up by id, unfiltered, which the sort key makes cheap. Undefined when two versions tie
 * on the earliest time with different environments, which only FINAL can settle.
 */
async function currentRows(client: ClickHouseClient, projectId: unknown, window: SessionRow[]): Promise<SessionRow[] | undefined> {
  if (window.length === 0) return [];
  const versions = await selectRows<Pick<SessionRow, "id" | "created_at" | "environment">>(client, {
    name: "sessions.versions-of-ids",
    sql: "SELECT id, created_at, environment FROM sessions WHERE project_id = {projectId:String} AND id IN {ids:Array(String)}",
    params: { projectId, ids: [...new Set(window.map((row) => row.id))] },
  });
  const earliest = new Map<string, { at: string; environments: Set<string> }>();
  for (const version of versions) {
    const known = earliest.get(version.id);
    if (!known || version.created_at < known.at) earliest.set(version.id, { at: version.created_at, environments: new Set([version.environment]) });
    else if (version.created_at === known.at) known.environments.add(version.environment);
  }
  const current: SessionRow[] = [];
  const seen = new Set<string>();
  for (const row of window) {
    const first = earliest.get(row.id);
    if (!first || row.created_at !== first.at || seen.has(row.id)) continue;
    if (first.environments.size > 1) return undefined;
    seen.add(row.id);
    current.push(row);
  }
  return current;
}

/**
 * Sorted by (project_id, id), 0002_sessions.sql. Its ReplacingMergeTree version grows as
 * `created_at` gets earlier, so a session's current row, read FINAL, is its earliest sighting
 * whatever the order traces arrived in.
 */
export const sessions = {
  name: "sessions",
  final: () => "sessions FINAL",
  insert: (client: ClickHouseClient, rows: readonly SessionRow[]) => insertRows(client, "sessions.insert", "sessions", rows),

  /**
   * A page of current sessions matching `where`, newest first. The table is not sorted by time,
   * so FINAL would merge and sort every session of the project (70 ms for 1.25 M); a read without
   * FINAL keeps only the newest rows as it goes (16 ms). Its window, deeper than the page, holds
   * every current row that sorts before its last row, current or not; once those are told from
   * superseded sightings and fill the page, the page is exact. Otherwise a deeper window, then FINAL.
   */
  async newestFirstPage(client: ClickHouseClient, where: Where, offset: number, limit: number): Promise<SessionRow[]> {
    const needed = offset + limit;
    for (const factor of WINDOW_DEPTHS) {
      const depth = needed * factor;
      const window = await selectRows<SessionRow>(client, {
        name: "sessions.page-window",
        sql: `SELECT project_id, id, created_at, environment FROM sessions WHERE ${where} ORDER BY ${NEWEST_FIRST} LIMIT {depth:UInt64}`,
        params: { ...where.params, depth },
      });
      const current = await currentRows(client, where.params.projectId, window);
      if (!current) break;
      // A window shorter than asked for held every matching row.
      if (current.length >= needed || window.length < depth) return current.slice(offset, needed);
    }
    return selectRows<SessionRow>(client, {
      name: "sessions.page",
      sql: `SELECT project_id, id, created_at, environment FROM sessions FINAL WHERE ${where} ORDER BY ${NEWEST_FIRST} LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
      params: { ...where.params, limit, offset },
    });
  },
};
