import type { ClickHouseClient } from "@clickhouse/client";
import type { ObservationListQuery, ObservationsView } from "@wick/contracts";
import { finalPage, observations, observationTraceDays, ParamBag, Where, type StoredObservation } from "@wick/clickhouse";
import { observationView } from "./views.ts";
import { InvalidFilterError } from "./filters/compile.ts";
import { compileObservationFilter, parseFilter } from "./filters/observation-filter.ts";
import { OF_TRACE_USER } from "./current-traces.ts";
import { type CleanRollupDays, daysWithoutMatches, rolledUpColumnConditions, rolledUpTotal } from "./observation-total.ts";

/**
 * A page of observations, newest start first (id breaks ties, so pages never overlap), with the
 * total; `cleanDays` lets the total of a list filtered only by rolled-up columns and start times
 * come mostly from the day rollups.
 */
export async function listObservations(
  client: ClickHouseClient,
  projectId: string,
  query: ObservationListQuery,
  cleanDays?: CleanRollupDays,
): Promise<{ data: ObservationsView[]; totalItems: number }> {
  const conditions = parseFilter(query.filter);
  if (conditions.some((condition) => "operator" in condition && condition.operator === "matches")) {
    throw new InvalidFilterError("`matches` is only supported on GET /api/public/v2/observations.");
  }
  const params = new ParamBag();
  const filter = compileObservationFilter(conditions, params);
  const unless = (parameter: string, value: string | undefined) => (filter.overridden.has(parameter) ? undefined : value);
  const rolledUpColumns = {
    name: unless("name", query.name),
    type: unless("type", query.type),
    level: unless("level", query.level),
    environment: filter.overridden.has("environment") ? undefined : query.environment,
  };
  const groups = (where: Where) => rolledUpColumnConditions(where, rolledUpColumns);
  const from = unless("fromStartTime", query.fromStartTime);
  const to = unless("toStartTime", query.toStartTime);
  const where = groups(new Where(projectId))
    .equals("parent_observation_id", "parentObservationId", unless("parentObservationId", query.parentObservationId))
    .equals("version", "version", unless("version", query.version))
    .between("start_time", "startTime", from, to);
  const traceId = unless("traceId", query.traceId);
  if (traceId !== undefined) where.add(`trace_id = {traceId:String} AND ${observationTraceDays.atTimesOf("[{traceId:String}]")}`, { traceId });
  const userId = unless("userId", query.userId);
  if (userId !== undefined) {
    where.add(OF_TRACE_USER, { userId });
  }
  for (const condition of filter.conditions) where.add(condition, filter.params);
  const onlyRolledUpColumns =
    filter.conditions.length === 0 &&
    [traceId, userId, unless("parentObservationId", query.parentObservationId), unless("version", query.version)].every((value) => value === undefined);
  const total = cleanDays && onlyRolledUpColumns ? await rolledUpTotal(cleanDays, projectId, { where, groups: groups(new Where(projectId)), from, to }, params) : undefined;
  const skipped = cleanDays ? await daysWithoutMatches(client, cleanDays, projectId, groups(new Where(projectId)), params) : [];
  for (const condition of skipped) where.add(condition, params.values);
  const { rows, totalItems } = await finalPage<StoredObservation>(client, observations, {
    where,
    orderBy: "start_time DESC, id DESC",
    page: query.page,
    limit: query.limit,
    total,
  });
  // The reference leaves pricing-tier fields empty on this list.
  const data = rows.map((row) => observationView({ ...row, usage_pricing_tier_id: null, usage_pricing_tier_name: null }, undefined, null));
  return { data, totalItems };
}
