import type { ClickHouseClient } from "@clickhouse/client";
import { float64Param } from "@wick/clickhouse";
import type { LegacyScoreListQuery, ScoreListQuery } from "@wick/contracts";
import {
  type BoundCondition,
  finalPage,
  IN_PROJECT,
  MergedTable,
  missingScoreTraces,
  MOST_BOUND_IDS,
  scores,
  scoreTraceDays,
  selectRows,
  traces,
  V1_SCORE_DATA_TYPES,
  Where,
  type StoredScore,
} from "@wick/clickhouse";
import { parseFilter } from "@wick/tracing-reads";
import { compileScoreFilter } from "./score-filter.ts";

export interface StoredTraceData {
  id: string;
  user_id: string | null;
  tags: string[];
  environment: string;
  session_id: string | null;
}

/** The v2 query; v1 has the same parameters except the link ids. */
type PageListQuery = LegacyScoreListQuery & Partial<Pick<ScoreListQuery, "traceId" | "sessionId" | "datasetRunId" | "observationId">>;

export interface PageListOptions {
  /** v1: scores of traces only, of the v1 data types. */
  legacy: boolean;
  /** Scores naming a trace that does not exist drop out, and the page's traces are read too. */
  withTrace: boolean;
  /** The most trace ids the list's statements take as values (`MOST_BOUND_IDS` unless given). */
  mostBoundIds?: number;
}

/** The score filters a list was given: all of them, and those that name a few scores by their ids or links. */
interface ScoreFilters {
  where: Where;
  /** Only the id and link parameters, when one was given: few scores match them, so few traces can. */
  selective?: Where;
}

/** The simple parameters and the `filter` conditions; a condition on a parameter's column replaces it, as upstream. */
function filters(projectId: string, query: PageListQuery): ScoreFilters {
  const filter = compileScoreFilter(parseFilter(query.filter));
  const where = new Where(projectId);
  const selective = new Where(projectId);
  const unless = (parameter: string, apply: (target: Where) => void, narrows = false) => {
    if (filter.overridden.has(parameter)) return;
    apply(where);
    if (narrows) apply(selective);
  };
  unless("name", (w) => w.equals("name", "name", query.name));
  unless("source", (w) => w.equals("source", "source", query.source));
  unless("dataType", (w) => w.equals("data_type", "dataType", query.dataType));
  unless("configId", (w) => w.equals("config_id", "configId", query.configId));
  unless("queueId", (w) => w.equals("queue_id", "queueId", query.queueId));
  unless("traceId", (w) => w.equals("trace_id", "traceId", query.traceId), true);
  unless("sessionId", (w) => w.equals("session_id", "sessionId", query.sessionId), true);
  unless("datasetRunId", (w) => w.equals("dataset_run_id", "datasetRunId", query.datasetRunId), true);
  unless("observationId", (w) => w.anyOf("observation_id", "observationId", query.observationId), true);
  unless("scoreIds", (w) => w.anyOf("id", "scoreIds", query.scoreIds), true);
  unless("environment", (w) => w.anyOf("environment", "environment", query.environment));
  unless("fromTimestamp", (w) => w.between("timestamp", "timestamp", query.fromTimestamp, undefined));
  unless("toTimestamp", (w) => w.between("timestamp", "timestamp", undefined, query.toTimestamp));
  unless("value", (w) => {
    // The operator comes from a fixed list; a value alone filters nothing, as upstream.
    if (query.value !== undefined && query.operator) w.add(`value ${query.operator} {value:Float64}`, { value: float64Param(query.value) });
  });
  for (const condition of filter.conditions) where.add(condition, filter.params);
  return { where, selective: selective.narrowed ? selective : undefined };
}

/** A condition with the values of its placeholders; none when nothing needs to be left out. */
type Condition = { sql: string; params: Record<string, unknown> } | undefined;

/**
 * Keeps scores whose trace exists (those with no trace too, unless trace properties are filtered
 * or only trace scores count). A trace filter also applies the environments to the trace.
 *
 * Without trace filters, a score is left out when its trace is among the project's missing ones
 * (`missingScoreTraces`): usually none or a few, bound as values, where the set of a project's
 * trace ids costs seconds to build at 10 M traces. With them, the traces must be read anyway;
 * they are looked for among those of the scores the id and link filters leave, when there are
 * any, which goes through the traces' id index in milliseconds.
 */
async function traceCondition(
  client: ClickHouseClient,
  projectId: string,
  query: PageListQuery,
  { traceScoresOnly, selective, most }: { traceScoresOnly: boolean; selective: Where | undefined; most: number },
): Promise<Condition> {
  const filtersTraces = query.userId !== undefined || Boolean(query.traceTags?.length);
  if (!filtersTraces) {
    const missing = await missingScoreTraces.absent(client, projectId, most);
    if (missing.ids?.length === 0) return undefined;
    const present = missing.ids ? "trace_id NOT IN {missingTraces:Array(String)}" : `trace_id NOT IN (${missingScoreTraces.absentIds()})`;
    return { sql: traceScoresOnly ? present : `(trace_id IS NULL OR ${present})`, params: missing.ids ? { missingTraces: missing.ids } : { projectId } };
  }
  const traceWhere = new Where(projectId).equals("user_id", "userId", query.userId);
  if (query.traceTags?.length) traceWhere.add("hasAll(tags, {traceTags:Array(String)})", { traceTags: query.traceTags });
  traceWhere.anyOf("environment", "traceEnvironment", query.environment);
  if (selective) traceWhere.add(`id IN (SELECT trace_id FROM ${scores.name} WHERE ${selective} AND trace_id IS NOT NULL)`, selective.params);
  // Trace properties need FINAL, so an older version cannot match. The traces are read once and
  // bound when few: the page, its window and its total each read them otherwise (a user's 2,000
  // traces among 10 M: 400 ms against 160).
  const matching = `SELECT id FROM ${traces.final()} WHERE ${traceWhere}`;
  const found = await selectRows<{ id: string }>(client, {
    name: "scores.traces-of-filters",
    sql: `${matching} LIMIT {most:UInt32} SETTINGS ${MergedTable.FINAL_SETTINGS}`,
    params: { ...traceWhere.params, most: most + 1 },
  });
  if (found.length > most) return { sql: `trace_id IN (${matching})`, params: traceWhere.params };
  return { sql: "trace_id IN {filteredTraces:Array(String)}", params: { filteredTraces: found.map((row) => row.id) } };
}

/**
 * One page of scores, newest first (id breaking ties), with the total of the whole result and the
 * page's traces when asked for. FINAL keeps one row per score before the filters apply.
 */
export async function listScorePage(
  client: ClickHouseClient,
  projectId: string,
  query: PageListQuery,
  options: PageListOptions,
): Promise<{ rows: StoredScore[]; traces: Map<string, StoredTraceData>; totalItems: number }> {
  const { where, selective } = filters(projectId, query);
  // The null map alone (`trace_id.null`): under FINAL, IS NOT NULL reads every trace id, 40 ms
  // against 15 for the project's 5 M scores.
  if (options.legacy) where.add("NOT trace_id.null AND data_type IN {v1Types:Array(String)}", { v1Types: V1_SCORE_DATA_TYPES });
  let total: BoundCondition | undefined;
  if (options.withTrace) {
    const unchecked = String(where);
    const condition = await traceCondition(client, projectId, query, { traceScoresOnly: options.legacy, selective, most: options.mostBoundIds ?? MOST_BOUND_IDS });
    if (condition) where.add(condition.sql, condition.params);
    // Counted as all scores less those of the missing traces, which lie at the instants of their
    // entries: only those are read with their trace ids, where the condition read every score's.
    if (condition?.params.missingTraces) {
      const ofMissing = `trace_id IN {missingTraces:Array(String)} AND ${scoreTraceDays.atTimesOf("{missingTraces:Array(String)}")}`;
      total = { sql: `((SELECT count() FROM ${scores.final()} WHERE ${unchecked}) - (SELECT count() FROM ${scores.final()} WHERE ${unchecked} AND ${ofMissing}))`, params: {} };
    }
  }
  const { rows, totalItems } = await finalPage<StoredScore>(client, scores, { where, orderBy: scores.keyOrder("DESC"), page: query.page, limit: query.limit, total });
  const traceIds = [...new Set(rows.map((row) => row.trace_id).filter((id): id is string => id !== null))];
  const pageTraces = new Map<string, StoredTraceData>();
  if (options.withTrace && traceIds.length > 0) {
    const stored = await selectRows<StoredTraceData>(client, {
      name: "scores.page-traces",
      sql: traces.newestPerId("id, user_id, tags, environment, session_id", `${IN_PROJECT} AND id IN {traceIds:Array(String)}`),
      params: { projectId, traceIds },
    });
    for (const trace of stored) pageTraces.set(trace.id, trace);
  }
  return { rows, traces: pageTraces, totalItems };
}
