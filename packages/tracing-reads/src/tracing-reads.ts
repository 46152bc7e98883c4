import type { ClickHouseClient } from "@clickhouse/client";
import type { ObservationListQuery, ObservationsV2Query, ObservationsView, SessionListQuery, TraceListQuery, TraceWithDetails, TraceWithFullDetails } from "@wick/contracts";
import { listObservations } from "./observation-list.ts";
import type { CleanRollupDays } from "./observation-total.ts";
import { observationsV2 } from "./observations-v2.ts";
import { getSession, listSessions } from "./sessions.ts";
import { listTraces } from "./trace-list.ts";
import {
  DATETIME64,
  IN_PROJECT,
  observations,
  observationTraceDays,
  scores,
  scoreTraceDays,
  selectRows,
  traces,
  V1_SCORE_DATA_TYPES,
  type StoredObservation,
  type StoredScore,
  type StoredTrace,
} from "@wick/clickhouse";
import { observationView, scoreV1View, traceCore, traceIo, type ModelPrices } from "./views.ts";

export type TraceGroup = "core" | "io" | "scores" | "observations" | "metrics";

/** Looks up the prices the views show for matched models (model definitions live in Postgres). */
export type PriceLookup = (projectId: string, modelIds: string[]) => Promise<Map<string, ModelPrices>>;

/** The v1 reads of traces and observations, each entity's current row only. */
export class TracingReads {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly prices: PriceLookup = async () => new Map(),
    /** Where observation lists find clean day rollups, for their totals and the days they skip; without it they read raw rows only. */
    private readonly cleanRollupDays?: CleanRollupDays,
  ) {}

  private async pricesOf(observations: StoredObservation[]): Promise<Map<string, ModelPrices>> {
    const ids = [...new Set(observations.map((o) => o.internal_model_id).filter((id): id is string => id !== null))];
    return ids.length > 0 ? this.prices(observations[0]!.project_id, ids) : new Map();
  }

  traces(projectId: string, query: TraceListQuery, groups: Set<TraceGroup>): Promise<{ data: TraceWithDetails[]; totalItems: number }> {
    return listTraces(this.client, projectId, query, groups);
  }

  observations(projectId: string, query: ObservationListQuery) {
    return listObservations(this.client, projectId, query, this.cleanRollupDays);
  }

  observationsV2(projectId: string, query: ObservationsV2Query) {
    return observationsV2(this.client, this.prices, projectId, query, this.cleanRollupDays);
  }

  sessions(projectId: string, query: SessionListQuery) {
    return listSessions(this.client, projectId, query);
  }

  session(projectId: string, sessionId: string) {
    return getSession(this.client, projectId, sessionId);
  }

  async observation(projectId: string, id: string): Promise<ObservationsView | undefined> {
    const [row] = await selectRows<StoredObservation>(this.client, {
      name: "observations.one",
      sql: observations.currentOne(),
      params: { projectId, id },
    });
    if (!row) return undefined;
    const prices = await this.pricesOf([row]);
    return observationView(row, row.internal_model_id ? prices.get(row.internal_model_id) : undefined, null);
  }

  async trace(projectId: string, id: string, groups: Set<TraceGroup>): Promise<TraceWithFullDetails | undefined> {
    const [trace] = await selectRows<StoredTrace>(this.client, {
      name: "traces.one",
      sql: traces.currentOne(),
      params: { projectId, id },
    });
    if (!trace) return undefined;
    // As the reference: what belongs to a trace starts at most an hour before it.
    const params = { projectId, traceId: id, from: trace.timestamp };
    const needObservations = groups.has("observations") || groups.has("metrics");
    const [ownObservations, ownScores] = await Promise.all([
      needObservations
        ? selectRows<StoredObservation>(this.client, {
            name: "observations.of-trace",
            sql: observations.newestPerId(
              "*",
              `${IN_PROJECT} AND trace_id = {traceId:String} AND start_time >= {from:${DATETIME64}} - INTERVAL 1 HOUR AND ${observationTraceDays.atTimesOf("[{traceId:String}]")}`,
            ),
            params,
          })
        : [],
      groups.has("scores")
        ? selectRows<StoredScore>(this.client, {
            name: "scores.of-trace",
            sql: scores.newestPerId(
              "*",
              `${IN_PROJECT} AND trace_id = {traceId:String} AND data_type IN {types:Array(String)} AND timestamp >= {from:${DATETIME64}} - INTERVAL 1 HOUR AND ${scoreTraceDays.atTimesOf("[{traceId:String}]")}`,
            ),
            params: { ...params, types: V1_SCORE_DATA_TYPES },
          })
        : [],
    ]);
    const prices = await this.pricesOf(ownObservations);
    const views = ownObservations.map((o) => observationView(o, o.internal_model_id ? prices.get(o.internal_model_id) : undefined, 0));
    return {
      ...traceCore(trace),
      ...(groups.has("io") ? traceIo(trace) : { input: null, output: null, metadata: {} }),
      observations: groups.has("observations") ? views : [],
      scores: groups.has("scores") ? ownScores.map(scoreV1View) : [],
      latency: groups.has("metrics") ? traceLatency(views) : -1,
      totalCost: groups.has("metrics") ? views.reduce((sum, o) => sum + o.calculatedTotalCost, 0) : -1,
    };
  }
}

/** Seconds from the earliest start to the latest end (or latest start when nothing has ended). */
function traceLatency(observations: ObservationsView[]): number {
  if (observations.length === 0) return 0;
  const starts = observations.map((o) => Date.parse(o.startTime));
  const ends = observations
    .map((o) => o.endTime)
    .filter((end): end is string => end !== null)
    .map(Date.parse);
  if (ends.length > 0) return (Math.max(...ends) - Math.min(...starts)) / 1000;
  return observations.length >= 2 ? (Math.max(...starts) - Math.min(...starts)) / 1000 : 0;
}
