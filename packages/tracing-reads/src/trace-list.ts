import type { ClickHouseClient } from "@clickhouse/client";
import type { TraceListQuery, TraceWithDetails } from "@wick/contracts";
import {
  finalPage,
  IN_PROJECT,
  instantFromText,
  millisecondsBetween,
  observationColumns,
  observations,
  observationTraceDays,
  ParamBag,
  scores,
  scoreTraceDays,
  selectRows,
  traces,
  V1_SCORE_DATA_TYPES,
  Where,
  type StoredTrace,
} from "@wick/clickhouse";
import { InvalidRequestError } from "@wick/errors";
import type { TraceGroup } from "./tracing-reads.ts";
import { traceCore, traceIo } from "./views.ts";
import { parseFilter } from "./filters/observation-filter.ts";
import { compileTraceFilter } from "./filters/trace-filter.ts";

const OBSERVATION = observationColumns();

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

export class InvalidTraceQueryError extends InvalidRequestError {}

function orderClause(orderBy: string | undefined): string {
  if (!orderBy) return traces.keyOrder("DESC");
  const [column = "", direction = ""] = orderBy.split(".");
  const mapped = ORDER_COLUMNS[column];
  if (!mapped) throw new InvalidTraceQueryError(`Invalid order by column: ${column}`);
  const sense = direction.toLowerCase() === "asc" ? "ASC" : "DESC";
  return `${mapped} ${sense}, id ${sense}`;
}

/** The page's conditions, and the simple parameters that also scope the page's aggregates. */
function filters(projectId: string, query: TraceListQuery): { where: Where; environments?: string[]; from?: string } {
  const params = new ParamBag();
  const filter = compileTraceFilter(parseFilter(query.filter), params);
  const unless = <T>(parameter: string, value: T) => (filter.overridden.has(parameter) ? undefined : value);
  const where = new Where(projectId)
    .equals("user_id", "userId", unless("userId", query.userId))
    .equals("name", "name", unless("name", query.name))
    .equals("session_id", "sessionId", unless("sessionId", query.sessionId))
    .equals("version", "version", unless("version", query.version))
    .equals("release", "release", unless("release", query.release))
    .anyOf("environment", "environment", unless("environment", query.environment))
    .between("timestamp", "timestamp", unless("fromTimestamp", query.fromTimestamp), unless("toTimestamp", query.toTimestamp));
  const tags = unless("tags", query.tags);
  if (tags?.length) where.add("hasAll(tags, {tags:Array(String)})", { tags });
  for (const condition of filter.conditions) where.add(condition, params.values);
  const environments = unless("environment", query.environment);
  return { where, environments: environments?.length ? environments : undefined, from: unless("fromTimestamp", query.fromTimestamp) };
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
 * for the observation/score aggregates of the traces on it. As the reference, the aggregates count
 * only observations and scores in the asked-for environments, and, after `fromTimestamp`, only
 * observations that start at most an hour before it (which also spares scanning older ones).
 */
export async function listTraces(
  client: ClickHouseClient,
  projectId: string,
  query: TraceListQuery,
  groups: Set<TraceGroup>,
): Promise<{ data: TraceWithDetails[]; totalItems: number }> {
  const { where, environments, from } = filters(projectId, query);
  const order = orderClause(query.orderBy);
  const { rows, totalItems } = await finalPage<StoredTrace>(client, traces, { where, orderBy: order, page: query.page, limit: query.limit });

  const needAggregates = groups.has("observations") || groups.has("scores") || groups.has("metrics");
  const aggregates = new Map<string, TraceAggregates>();
  if (needAggregates && rows.length > 0) {
    // On the current row: an observation moved out of an environment no longer counts for it.
    const inEnvironments = environments ? " WHERE environment IN {environments:Array(String)}" : "";
    const perTrace = await selectRows<TraceAggregates>(client, {
      name: "traces.page-aggregates",
      sql: `
        SELECT trace_id,
               groupArrayIf(id, kind = 'observation') AS observation_ids,
               groupArrayIf(id, kind = 'score') AS score_ids,
               sumIf(cost, kind = 'observation') AS total_cost,
               if(countIf(kind = 'observation') = 0, NULL,
                  ${millisecondsBetween("minIf(first_time, kind = 'observation')", "maxIf(last_time, kind = 'observation')")}) AS latency_ms
        FROM (
          SELECT 'observation' AS kind, trace_id, id, toFloat64(${OBSERVATION.totalCost}) AS cost,
                 ${OBSERVATION.firstInstant} AS first_time, ${OBSERVATION.lastInstant} AS last_time
          FROM (${observations.newestPerId("*", `${IN_PROJECT} AND trace_id IN {traceIds:Array(String)} AND ${observationTraceDays.atTimesOf("{traceIds:Array(String)}")}${from ? ` AND start_time >= ${instantFromText("{from:String}")} - INTERVAL 1 HOUR` : ""}`)})${inEnvironments}
          UNION ALL
          SELECT 'score' AS kind, assumeNotNull(trace_id), id, 0, timestamp, timestamp
          FROM (${scores.newestPerId("*", `${IN_PROJECT} AND trace_id IN {traceIds:Array(String)} AND ${scoreTraceDays.atTimesOf("{traceIds:Array(String)}")}`)})
          WHERE data_type IN {v1Types:Array(String)} AND session_id IS NULL AND dataset_run_id IS NULL${environments ? " AND environment IN {environments:Array(String)}" : ""}
        )
        GROUP BY trace_id`,
      params: { projectId, traceIds: rows.map((row) => row.id), v1Types: V1_SCORE_DATA_TYPES, ...(from ? { from } : {}), ...(environments ? { environments } : {}) },
    });
    for (const row of perTrace) aggregates.set(row.trace_id, row);
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
