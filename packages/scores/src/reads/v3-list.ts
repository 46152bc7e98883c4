import type { ClickHouseClient } from "@clickhouse/client";
import { float64ArrayParam, float64Param } from "@wick/clickhouse";
import type { ScoreV3, ScoreV3ListQuery } from "@wick/contracts";
import { instantFromText, scores, selectRows, Where, type StoredScore } from "@wick/clickhouse";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { scoreV3View } from "./views.ts";

/** The filters of a v3 query; the query schema has already checked how they combine. */
function filters(projectId: string, query: ScoreV3ListQuery): Where {
  const where = new Where(projectId)
    .anyOf("id", "id", query.id)
    .anyOf("name", "name", query.name)
    .anyOf("source", "source", query.source)
    .anyOf("data_type", "dataType", query.dataType)
    .anyOf("environment", "environment", query.environment)
    .anyOf("config_id", "configId", query.configId)
    .anyOf("queue_id", "queueId", query.queueId)
    .anyOf("author_user_id", "authorUserId", query.authorUserId)
    .anyOf("trace_id", "traceId", query.traceId)
    .anyOf("session_id", "sessionId", query.sessionId)
    .anyOf("observation_id", "observationId", query.observationId)
    .anyOf("dataset_run_id", "experimentId", query.experimentId)
    .between("timestamp", "timestamp", query.fromTimestamp, query.toTimestamp);
  if (query.value) {
    const [dataType] = query.dataType!;
    if (dataType === "CATEGORICAL") where.anyOf("string_value", "values", query.value);
    else where.add("value IN {values:Array(Float64)}", { values: float64ArrayParam(query.value.map((v) => (dataType === "BOOLEAN" ? Number(v === "true") : Number(v)))) });
  }
  if (query.valueMin !== undefined) where.add("value >= {valueMin:Float64}", { valueMin: float64Param(query.valueMin) });
  if (query.valueMax !== undefined) where.add("value <= {valueMax:Float64}", { valueMax: float64Param(query.valueMax) });
  if (query.cursor) {
    const cursor = decodeCursor(query.cursor);
    // The second condition repeats the first in a form the sort key's time prefix can prune with.
    where.add(`(timestamp, id) < (${instantFromText("{cursorTimestamp:String}")}, {cursorId:String}) AND timestamp <= ${instantFromText("{cursorTimestamp:String}")}`, {
      cursorTimestamp: cursor.lastTimestamp,
      cursorId: cursor.lastId,
    });
  }
  return where;
}

/**
 * A v3 page, newest first with the id breaking ties, and the cursor of the next page when there
 * is one: one row more than the limit is read to know.
 */
export async function listScoresV3(client: ClickHouseClient, projectId: string, query: ScoreV3ListQuery): Promise<{ data: ScoreV3[]; cursor?: string }> {
  const where = filters(projectId, query);
  const rows = await selectRows<StoredScore>(client, {
    name: "scores.v3-page",
    sql: `SELECT * FROM ${scores.final()} WHERE ${where} ORDER BY ${scores.keyOrder("DESC")} LIMIT {limit:UInt32}`,
    params: { ...where.params, limit: query.limit + 1 },
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const data = page.map((row) => scoreV3View(row, query.fields));
  if (rows.length <= query.limit || !last) return { data };
  return { data, cursor: encodeCursor({ lastTimestamp: data[data.length - 1]!.timestamp, lastId: last.id }) };
}
