import type { ClickHouseClient } from "@clickhouse/client";

/**
 * Deletes a score and its logged events, so that no later merge brings it back. Takes effect
 * before it returns (upstream only queues the delete).
 */
export async function deleteScore(client: ClickHouseClient, projectId: string, scoreId: string): Promise<void> {
  const params = { projectId, scoreId };
  await client.command({
    query: "DELETE FROM raw_events WHERE project_id = {projectId:String} AND entity_kind = 'score' AND entity_id = {scoreId:String}",
    query_params: params,
  });
  await client.command({ query: "DELETE FROM scores WHERE project_id = {projectId:String} AND id = {scoreId:String}", query_params: params });
}
