import type { ClickHouseClient } from "@clickhouse/client";
import type { ObservationListQuery, ObservationsView } from "@wick/contracts";
import { finalPage, observations, observationTraceDays, ParamBag, type RollupTable, Where, type StoredObservation } from "@wick/clickhouse";
import { observationView } from "./views.ts";
import { InvalidFilterError } from "./filters/compile.ts";
import { compileObservationFilter, parseFilter } from "./filters/observation-filter.ts";
import { OF_TRACE_USER } from "./current-traces.ts";
import { type CleanRollupDays, daysWithoutMatches, type RolledUpColumns, rolledUpColumnConditions, rolledUpTotal } from "./observation-total.ts";

/**
 * The rollup table that can count a list filtered by the rolled-up columns and maybe a user, with
 * the list's conditions over its rows: the group rollups without a user, the user rollups for a
 * user and environments only. A user's rollup rows hold the observations of the traces whose
 * current user it is, as the list's condition reads; '' there also stands for no user and no
 * trace, so an empty `userId` is counted raw.
 */
function countingRollup(projectId: string, columns: RolledUpColumns, userId: string | undefined): { groups: Where; table: RollupTable } | undefined {
  if (userId === undefined) return { groups: rolledUpColumnConditions(new Where(projectId), columns), table: "groups" };
  if (userId === "" || [columns.name, columns.type, columns.level].some((value) => value !== undefined)) return undefined;
  return { groups: new Where(projectId).anyOf("environment", "environment", columns.environment).equals("user_id", "userId", userId), table: "users" };
}

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
  const rolledUpColumns: RolledUpColumns = {
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
  const countedRaw =
    filter.conditions.length > 0 || [traceId, unless("parentObservationId", query.parentObservationId), unless("version", query.version)].some((value) => value !== undefined);
  const rollup = countedRaw ? undefined : countingRollup(projectId, rolledUpColumns, userId);
  const total = cleanDays && rollup ? await rolledUpTotal(cleanDays, projectId, { where, from, to, ...rollup }, params) : undefined;
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
