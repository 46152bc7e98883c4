import type { ClickHouseClient } from "@clickhouse/client";
import type { SessionListQuery } from "@wick/contracts";
import { finalCount, IN_PROJECT, isoFromClickHouse, selectRows, sessions, traces, Where, type SessionRow, type StoredTrace } from "@wick/clickhouse";
import { traceCore, traceIo } from "./views.ts";

const sessionView = (row: SessionRow) => ({ id: row.id, createdAt: isoFromClickHouse(row.created_at), projectId: row.project_id, environment: row.environment });

export async function listSessions(client: ClickHouseClient, projectId: string, query: SessionListQuery) {
  const where = new Where(projectId).anyOf("environment", "environment", query.environment).between("created_at", "createdAt", query.fromTimestamp, query.toTimestamp);
  const [rows, totalItems] = await Promise.all([sessions.newestFirstPage(client, where, (query.page - 1) * query.limit, query.limit), finalCount(client, sessions, where)]);
  return { data: rows.map(sessionView), totalItems };
}

/** The session with every trace that names it (not paginated, as the reference). */
export async function getSession(client: ClickHouseClient, projectId: string, sessionId: string) {
  const params = { projectId, sessionId };
  const [session] = await selectRows<SessionRow>(client, {
    name: "sessions.one",
    sql: `SELECT * FROM ${sessions.final()} WHERE ${IN_PROJECT} AND id = {sessionId:String}`,
    params,
  });
  if (!session) return undefined;
  const sessionTraces = await selectRows<StoredTrace>(client, {
    name: "traces.of-session",
    sql: `SELECT * FROM (${traces.currentWhere("session_id = {sessionId:String}")}) ORDER BY timestamp`,
    params,
  });
  return {
    ...sessionView(session),
    traces: sessionTraces.map((row) => {
      const { htmlPath: _htmlPath, ...core } = traceCore(row);
      return { ...core, ...traceIo(row) };
    }),
  };
}
