import type { ClickHouseClient } from "@clickhouse/client";
import type { TraceListQuery, TraceWithDetails } from "@wick/contracts";
import type { StoredTrace } from "./rows.ts";
import type { TraceGroup } from "./tracing-reads.ts";
import { traceCore, traceIo } from "./views.ts";

/** API column → ClickHouse column for `orderBy`; only these can be ordered by. */
const ORDER_COLUMNS: Record<string, string> = {
  id: "id",
  timestamp: "timestamp",
  name: "name",
  userId: "user_id",
  release: "release",
  version: "version",
  public: "public",
  bookmarked: "bookmarked",
  sessionId: "session_id",
};

export class InvalidTraceQueryError extends Error {}

function orderClause(orderBy: string | undefined): string {
  if (!orderBy) return "timestamp DESC";
  const [column = "", direction = ""] = orderBy.split(".");
  const mapped = ORDER_COLUMNS[column];
  if (!mapped) throw new InvalidTraceQueryError(`Invalid order by column: ${column}`);
  return `${mapped} ${direction.toLowerCase() === "asc" ? "ASC" : "DESC"}`;
}

/** The WHERE clause of a trace list: fixed text with `{name:Type}` placeholders, values bound separately. */
function filters(projectId: string, query: TraceListQuery): { where: string; params: Record<string, unknown> } {
  const conditions = ["project_id = {projectId:String}"];
  const params: Record<string, unknown> = { projectId };
  const equal = (value: string | undefined, column: string, name: string) => {
    if (value === undefined) return;
    conditions.push(`${column} = {${name}:String}`);
    params[name] = value;
  };
  equal(query.userId, "user_id", "userId");
  equal(query.name, "name", "name");
  equal(query.sessionId, "session_id", "sessionId");
  equal(query.version, "version", "version");
  equal(query.release, "release", "release");
  if (query.tags?.length) {
    conditions.push("hasAll(tags, {tags:Array(String)})");
    params.tags = query.tags;
  }
  if (query.environment?.length) {
    conditions.push("environment IN {environment:Array(String)}");
    params.environment = query.environment;
  }
  if (query.fromTimestamp) {
    conditions.push("timestamp >= parseDateTime64BestEffort({fromTimestamp:String}, 3, 'UTC')");
    params.fromTimestamp = query.fromTimestamp;
  }
  if (query.toTimestamp) {
    conditions.push("timestamp < parseDateTime64BestEffort({toTimestamp:String}, 3, 'UTC')");
    params.toTimestamp = query.toTimestamp;
  }
  return { where: conditions.join(" AND "), params };
}

interface TraceAggregates {
  trace_id: string;
  observation_ids: string[];
  score_ids: string[];
  total_cost: number | string;
  latency_ms: number | string | null;
}

/**
 * A page of traces with the totals of the whole result: one query for the page and its count, one
 * for the observation/score aggregates of the traces on it.
 */
export async function listTraces(
  client: ClickHouseClient,
  projectId: string,
  query: TraceListQuery,
  groups: Set<TraceGroup>,
): Promise<{ data: TraceWithDetails[]; totalItems: number }> {
  const { where, params } = filters(projectId, query);
  const order = orderClause(query.orderBy);
  const page = await client.query({
    query: `
      SELECT *, count() OVER () AS total_items
      FROM traces FINAL
      WHERE ${where}
      ORDER BY ${order}, id DESC
      LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
    query_params: { ...params, limit: query.limit, offset: (query.page - 1) * query.limit },
    format: "JSONEachRow",
  });
  const rows = await page.json<StoredTrace & { total_items: number | string }>();
  let totalItems = rows.length > 0 ? Number(rows[0]!.total_items) : 0;
  if (rows.length === 0 && query.page > 1) {
    // OFFSET past the end returns nothing; the total still has to be right.
    const count = await client.query({ query: `SELECT count() AS n FROM traces FINAL WHERE ${where}`, query_params: params, format: "JSONEachRow" });
    totalItems = Number((await count.json<{ n: number | string }>())[0]?.n ?? 0);
  }

  const needAggregates = groups.has("observations") || groups.has("scores") || groups.has("metrics");
  const aggregates = new Map<string, TraceAggregates>();
  if (needAggregates && rows.length > 0) {
    const result = await client.query({
      query: `
        SELECT trace_id,
               groupArrayIf(id, kind = 'observation') AS observation_ids,
               groupArrayIf(id, kind = 'score') AS score_ids,
               sumIf(cost, kind = 'observation') AS total_cost,
               if(countIf(kind = 'observation') = 0, NULL,
                  dateDiff('millisecond', minIf(first_time, kind = 'observation'), maxIf(last_time, kind = 'observation'))) AS latency_ms
        FROM (
          SELECT 'observation' AS kind, trace_id, id, toFloat64(ifNull(cost_details['total'], 0)) AS cost,
                 least(start_time, ifNull(end_time, start_time)) AS first_time,
                 greatest(start_time, ifNull(end_time, start_time)) AS last_time
          FROM observations FINAL
          WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}
          UNION ALL
          SELECT 'score' AS kind, assumeNotNull(trace_id), id, 0, timestamp, timestamp
          FROM scores FINAL
          WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}
            AND data_type IN ('NUMERIC', 'BOOLEAN', 'CATEGORICAL', 'TEXT')
            AND session_id IS NULL AND dataset_run_id IS NULL
        )
        GROUP BY trace_id`,
      query_params: { projectId, traceIds: rows.map((row) => row.id) },
      format: "JSONEachRow",
    });
    for (const row of await result.json<TraceAggregates>()) aggregates.set(row.trace_id, row);
  }

  const data = rows.map((row): TraceWithDetails => {
    const aggregate = aggregates.get(row.id);
    return {
      ...traceCore(row),
      ...(groups.has("io") ? traceIo(row) : { input: null, output: null, metadata: {} }),
      observations: groups.has("observations") ? (aggregate?.observation_ids ?? []) : [],
      scores: groups.has("scores") ? (aggregate?.score_ids ?? []) : [],
      totalCost: groups.has("metrics") ? Number(aggregate?.total_cost ?? 0) : -1,
      latency: groups.has("metrics") ? Number(aggregate?.latency_ms ?? 0) / 1000 : -1,
    };
  });
  return { data, totalItems };
}
