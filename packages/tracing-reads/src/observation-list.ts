import type { ClickHouseClient } from "@clickhouse/client";
import type { ObservationListQuery, ObservationsView } from "@wick/contracts";
import { finalPage, observations, observationTraceDays, ParamBag, Where, type StoredObservation } from "@wick/clickhouse";
import { observationView } from "./views.ts";
import { InvalidFilterError } from "./filters/compile.ts";
import { compileObservationFilter, parseFilter } from "./filters/observation-filter.ts";
import { OF_TRACE_USER } from "./current-traces.ts";

/** A page of observations, newest start first (id breaks ties, so pages never overlap), with the total. */
export async function listObservations(client: ClickHouseClient, projectId: string, query: ObservationListQuery): Promise<{ data: ObservationsView[]; totalItems: number }> {
  const conditions = parseFilter(query.filter);
  if (conditions.some((condition) => "operator" in condition && condition.operator === "matches")) {
    throw new InvalidFilterError("`matches` is only supported on GET /api/public/v2/observations.");
  }
  const filter = compileObservationFilter(conditions, new ParamBag());
  const unless = (parameter: string, value: string | undefined) => (filter.overridden.has(parameter) ? undefined : value);
  const where = new Where(projectId)
    .equals("name", "name", unless("name", query.name))
    .equals("type", "type", unless("type", query.type))
    .equals("level", "level", unless("level", query.level))
    .equals("parent_observation_id", "parentObservationId", unless("parentObservationId", query.parentObservationId))
    .equals("version", "version", unless("version", query.version))
    .anyOf("environment", "environment", filter.overridden.has("environment") ? undefined : query.environment)
    .between("start_time", "startTime", unless("fromStartTime", query.fromStartTime), unless("toStartTime", query.toStartTime));
  const traceId = unless("traceId", query.traceId);
  if (traceId !== undefined) where.add(`trace_id = {traceId:String} AND ${observationTraceDays.atTimesOf("[{traceId:String}]")}`, { traceId });
  const userId = unless("userId", query.userId);
  if (userId !== undefined) {
    where.add(OF_TRACE_USER, { userId });
  }
  for (const condition of filter.conditions) where.add(condition, filter.params);
  const { rows, totalItems } = await finalPage<StoredObservation>(client, observations, {
    where,
    orderBy: "start_time DESC, id DESC",
    page: query.page,
    limit: query.limit,
  });
  // The reference leaves pricing-tier fields empty on this list.
  const data = rows.map((row) => observationView({ ...row, usage_pricing_tier_id: null, usage_pricing_tier_name: null }, undefined, null));
  return { data, totalItems };
}
