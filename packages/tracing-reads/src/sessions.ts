import type { ClickHouseClient } from "@clickhouse/client";
import type { SessionListQuery } from "@wick/contracts";
import { isoFromClickHouse, selectRows, Where, type StoredTrace } from "@wick/clickhouse";
import { traceCore, traceIo } from "./views.ts";
import { finalPage } from "./paged-query.ts";
import { currentTraces } from "./where.ts";

interface StoredSession {
  project_id: string;
  id: string;
  created_at: string;
  environment: string;
}

const sessionView = (row: StoredSession) => ({ id: row.id, createdAt: isoFromClickHouse(row.created_at), projectId: row.project_id, environment: row.environment });

export async function listSessions(client: ClickHouseClient, projectId: string, query: SessionListQuery) {
  const where = new Where(projectId).anyOf("environment", "environment", query.environment).between("created_at", "createdAt", query.fromTimestamp, query.toTimestamp);
  const { rows, totalItems } = await finalPage<StoredSession>(client, "sessions", { where, orderBy: "created_at DESC, id DESC", page: query.page, limit: query.limit });
  return { data: rows.map(sessionView), totalItems };
}

/** The session with every trace that names it (not paginated, as the reference). */
export async function getSession(client: ClickHouseClient, projectId: string, sessionId: string) {
  const params = { projectId, sessionId };
  const [session] = await selectRows<StoredSession>(client, {
    name: "sessions.one",
    sql: "SELECT * FROM sessions FINAL WHERE project_id = {projectId:String} AND id = {sessionId:String}",
    params,
  });
  if (!session) return undefined;
  const traces = await selectRows<StoredTrace>(client, {
    name: "traces.of-session",
    sql: `SELECT * FROM (${currentTraces("session_id = {sessionId:String}")}) ORDER BY timestamp`,
    params,
  });
  return {
    ...sessionView(session),
    traces: traces.map((row) => {
      const { htmlPath: _htmlPath, ...core } = traceCore(row);
      return { ...core, ...traceIo(row) };
    }),
  };
}
