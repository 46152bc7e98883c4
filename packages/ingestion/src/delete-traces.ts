import type { ClickHouseClient } from "@clickhouse/client";

async function ids(client: ClickHouseClient, table: "observations" | "scores", projectId: string, traceIds: string[]): Promise<string[]> {
  const result = await client.query({
    query: `SELECT DISTINCT id FROM ${table} WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}`,
    query_params: { projectId, traceIds },
    format: "JSONEachRow",
  });
  return (await result.json<{ id: string }>()).map((row) => row.id);
}

/**
 * Deletes traces with their observations and scores, and their events from the log, so that no
 * later merge brings them back. Takes effect before it returns: the next read no longer sees them.
 */
export async function deleteTraces(client: ClickHouseClient, projectId: string, traceIds: string[]): Promise<void> {
  if (traceIds.length === 0) return;
  const [observationIds, scoreIds] = await Promise.all([ids(client, "observations", projectId, traceIds), ids(client, "scores", projectId, traceIds)]);
  const params = { projectId, traceIds, observationIds, scoreIds };
  await client.command({
    query: `DELETE FROM raw_events WHERE project_id = {projectId:String} AND (
              (entity_kind = 'trace' AND entity_id IN {traceIds:Array(String)})
              OR (entity_kind = 'observation' AND entity_id IN {observationIds:Array(String)})
              OR (entity_kind = 'score' AND entity_id IN {scoreIds:Array(String)}))`,
    query_params: params,
  });
  for (const [table, column] of [
    ["traces", "id"],
    ["observations", "trace_id"],
    ["scores", "trace_id"],
  ] as const) {
    await client.command({
      query: `DELETE FROM ${table} WHERE project_id = {projectId:String} AND ${column} IN {traceIds:Array(String)}`,
      query_params: params,
    });
  }
}
