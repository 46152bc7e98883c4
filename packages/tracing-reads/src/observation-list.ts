import type { ClickHouseClient } from "@clickhouse/client";
import type { ObservationListQuery, ObservationsView } from "@wick/contracts";
import type { StoredObservation } from "./rows.ts";
import { observationView } from "./views.ts";
import { finalPage } from "./paged-query.ts";
import { currentTraces, Where } from "./where.ts";

/** A page of observations, newest start first (id breaks ties, so pages never overlap), with the total. */
export async function listObservations(
  client: ClickHouseClient,
  projectId: string,
  query: ObservationListQuery,
): Promise<{ data: ObservationsView[]; totalItems: number }> {
  const where = new Where(projectId)
    .equals("name", "name", query.name)
    .equals("type", "type", query.type)
    .equals("trace_id", "traceId", query.traceId)
    .equals("level", "level", query.level)
    .equals("parent_observation_id", "parentObservationId", query.parentObservationId)
    .equals("version", "version", query.version)
    .anyOf("environment", "environment", query.environment)
    .between("start_time", "startTime", query.fromStartTime, query.toStartTime);
  if (query.userId !== undefined) {
    where.add(`trace_id IN (SELECT id FROM (${currentTraces("user_id = {userId:String}")}))`, { userId: query.userId });
  }
  const { rows, totalItems } = await finalPage<StoredObservation>(client, "observations", {
    where,
    orderBy: "start_time DESC, id DESC",
    page: query.page,
    limit: query.limit,
  });
  // The reference leaves pricing-tier fields empty on this list.
  const data = rows.map((row) => observationView({ ...row, usage_pricing_tier_id: null, usage_pricing_tier_name: null }, undefined, null));
  return { data, totalItems };
}
