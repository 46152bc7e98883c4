import type { DailyMetricsQuery } from "@wick/contracts";
import { MergedTable, observationColumns, observations, ParamBag, traces, type Statement } from "@wick/clickhouse";
import { bindInstant } from "./timestamps.ts";

const OBSERVATION = observationColumns("o");

/**
 * `GET /api/public/metrics/daily` as the reference computes it: trace counts per trace day, and
 * observation usage and cost per start day and model, joined on the day. Observations are matched
 * to their traces only when a filter other than a lone `fromTimestamp` is given; `fromTimestamp`
 * alone keeps observations from an hour before it. `toTimestamp` is exclusive here.
 */
export function compileDailyMetrics(projectId: string, query: DailyMetricsQuery): { page: Statement; totalDays: Statement } {
  const params = new ParamBag();
  const project = params.bind(projectId, "String");
  const instant = (value: string, what: string) => bindInstant(params, new Date(value), what);
  const from = query.fromTimestamp ? instant(query.fromTimestamp, "fromTimestamp") : undefined;
  const environments = query.environment?.length ? params.bind(query.environment, "Array(String)") : undefined;

  const traceConditions = [`t.project_id = ${project}`];
  if (query.traceName !== undefined) traceConditions.push(`t.name = ${params.bind(query.traceName, "String")}`);
  if (query.userId !== undefined) traceConditions.push(`t.user_id = ${params.bind(query.userId, "String")}`);
  if (query.tags?.length) traceConditions.push(`hasAll(t.tags, ${params.bind(query.tags, "Array(String)")})`);
  if (environments) traceConditions.push(`t.environment IN ${environments}`);
  if (from) traceConditions.push(`t.timestamp >= ${from}`);
  if (query.toTimestamp) traceConditions.push(`t.timestamp < ${instant(query.toTimestamp, "toTimestamp")}`);
  const traceWhere = traceConditions.join(" AND ");

  const joinTraces = query.traceName !== undefined || query.userId !== undefined || Boolean(query.tags?.length) || Boolean(environments) || Boolean(query.toTimestamp);
  const observationConditions = [`o.project_id = ${project}`];
  if (from) observationConditions.push(`o.start_time >= ${from} - INTERVAL 1 HOUR`);
  if (environments) observationConditions.push(`o.environment IN ${environments}`);

  const page = `
    SELECT date, count_traces, count_observations, total_cost, usage
    FROM (SELECT toDate(t.timestamp) AS date, count() AS count_traces FROM ${traces.final("t")} WHERE ${traceWhere} GROUP BY date) AS trace_days
    FULL OUTER JOIN (
      SELECT date, sum(observations) AS count_observations, sum(cost) AS total_cost,
             groupArray((model, input_usage, output_usage, total_usage, observations, traces, cost)) AS usage
      FROM (
        SELECT toDate(o.start_time) AS date, o.provided_model_name AS model,
               sum(${OBSERVATION.inputUsage}) AS input_usage, sum(${OBSERVATION.outputUsage}) AS output_usage,
               sum(${OBSERVATION.totalUsage}) AS total_usage, count() AS observations,
               uniqExact(o.trace_id) AS traces, sum(${OBSERVATION.totalCostFromColumn}) AS cost
        FROM ${observations.final("o")}
        ${joinTraces ? `INNER JOIN (SELECT t.id AS id FROM ${traces.final("t")} WHERE ${traceWhere}) AS tr ON tr.id = o.trace_id` : ""}
        WHERE ${observationConditions.join(" AND ")}
        GROUP BY date, model
      )
      GROUP BY date
    ) AS observation_days USING (date)
    ORDER BY date DESC
    LIMIT ${params.bind(query.limit, "UInt32")} OFFSET ${params.bind((query.page - 1) * query.limit, "UInt64")}
    SETTINGS output_format_json_quote_64bit_integers = 0, output_format_json_quote_decimals = 0, ${MergedTable.FINAL_SETTINGS}`;
  const totalDays = `
    SELECT uniqExact(toDate(t.timestamp)) AS days FROM ${traces.final("t")} WHERE ${traceWhere}
    SETTINGS output_format_json_quote_64bit_integers = 0, ${MergedTable.FINAL_SETTINGS}`;
  return { page: { name: "metrics.daily", sql: page, params: params.values }, totalDays: { name: "metrics.daily-days", sql: totalDays, params: params.values } };
}
