import type { ClickHouseClient } from "@clickhouse/client";
import {
  type BoundCondition,
  DATETIME64,
  IN_PROJECT,
  isoFromClickHouse,
  type LatestVersion,
  observationColumns,
  observations,
  selectRows,
  traces,
  type StoredObservation,
} from "@wick/clickhouse";
import type { ObservationFieldGroup, ObservationV2 } from "@wick/contracts";
import { flattenedMetadata } from "./metadata-paths.ts";
import { numericMap, parseStoredText, secondsBetween, sumWhereKeyContains } from "./values.ts";

/** The stored columns every row of a page is read with: its sort key and what the core group shows. */
const ROW_COLUMNS = ["project_id", "id", "trace_id", "type", "parent_observation_id", "start_time", "end_time"] as const satisfies readonly (keyof StoredObservation)[];

/**
 * The stored columns each field group shows, read only when the group is asked for: a page read in
 * key order reads its rows' columns after finding them, and with a filter beyond the sort key each
 * column costs more (core and basic alone: 24 ms against 30 ms for every shown column, 100 M
 * observations, filtered by a metadata key). Columns no group shows, which only filters read (tool
 * calls and definitions, experiment fields), are never read here.
 */
const GROUP_COLUMNS = {
  core: [],
  basic: ["name", "level", "status_message", "version", "environment"],
  time: ["completion_start_time", "created_at", "updated_at"],
  io: ["input", "output"],
  metadata: ["metadata"],
  model: ["provided_model_name", "internal_model_id", "model_parameters"],
  usage: ["usage_details", "cost_details", "usage_pricing_tier_id", "usage_pricing_tier_name"],
  prompt: ["prompt_id", "prompt_name", "prompt_version"],
  metrics: ["completion_start_time"],
  trace_context: ["name"],
} as const satisfies Record<ObservationFieldGroup, readonly (keyof StoredObservation)[]>;

type GroupColumn = (typeof GROUP_COLUMNS)[ObservationFieldGroup][number];

/** A row of a page: the columns of the groups not asked for are absent. */
export type ObservationV2Row = Pick<StoredObservation, (typeof ROW_COLUMNS)[number]> &
  Partial<Pick<StoredObservation, GroupColumn>> & { merge_version: number | string; is_root: boolean };

/** The SELECT list of a page showing `groups`. */
export function pageColumns(groups: ReadonlySet<ObservationFieldGroup>): string {
  const columns = new Set<string>([...ROW_COLUMNS, "merge_version"]);
  for (const group of groups) for (const column of GROUP_COLUMNS[group]) columns.add(column);
  return [...columns, `${observationColumns().isRoot} AS is_root`].join(", ");
}

/** The trace fields an observation shows in the `basic` and `trace_context` groups. */
export interface TraceContext {
  id: string;
  name: string | null;
  user_id: string | null;
  session_id: string | null;
  tags: string[];
  release: string | null;
  public: boolean;
  bookmarked: boolean;
}

const CONTEXT_COLUMNS = "id, name, user_id, session_id, tags, release, public, bookmarked";

/** The trace contexts found so far for a page, and the trace ids already looked for near their observations. */
export interface KnownTraceContexts {
  found: Map<string, TraceContext>;
  searchedNear: Set<string>;
}

/**
 * The SELECT of the current row of each trace of `rows` lying within a day of the rows' start times,
 * where a trace nearly always is: the time leads the traces' sort key, so that reads a day's
 * granules instead of every one of the project's. Every version of a trace shares its time, so a
 * trace found there is found whole.
 */
function tracesNear(projectId: string, rows: readonly ObservationV2Row[]): BoundCondition {
  const starts = rows.map((row) => row.start_time).sort();
  return {
    sql: traces.newestPerId(
      CONTEXT_COLUMNS,
      `${IN_PROJECT} AND id IN {contextIds:Array(String)} AND timestamp >= {earliest:${DATETIME64}} - INTERVAL 1 DAY AND timestamp <= {latest:${DATETIME64}} + INTERVAL 1 DAY`,
    ),
    params: { projectId, contextIds: [...new Set(rows.map((row) => row.trace_id))], earliest: starts[0], latest: starts.at(-1) },
  };
}

/**
 * The current row of each trace the page's observations belong to, besides those `known` holds:
 * looked for near the observations first (see `tracesNear`) unless `known` says they were, then
 * over the whole project.
 */
export async function traceContexts(client: ClickHouseClient, projectId: string, rows: ObservationV2Row[], known: KnownTraceContexts): Promise<Map<string, TraceContext>> {
  const found = new Map(known.found);
  const unsearched = rows.filter((row) => !found.has(row.trace_id) && !known.searchedNear.has(row.trace_id));
  if (unsearched.length > 0) {
    const near = await selectRows<TraceContext>(client, { name: "traces.contexts-near", ...tracesNear(projectId, unsearched) });
    for (const trace of near) found.set(trace.id, trace);
  }
  const elsewhere = [...new Set(rows.map((row) => row.trace_id))].filter((id) => !found.has(id));
  if (elsewhere.length === 0) return found;
  const far = await selectRows<TraceContext>(client, {
    name: "traces.contexts",
    sql: traces.newestPerId(CONTEXT_COLUMNS, `${IN_PROJECT} AND id IN {ids:Array(String)}`),
    params: { projectId, ids: elsewhere },
  });
  for (const trace of far) found.set(trace.id, trace);
  return found;
}

/**
 * `keepNewest` of a scanned batch together with the near lookup of its traces, in one statement:
 * each statement costs embedded chDB several milliseconds of its own, and the two lookups only
 * need the scanned rows. A superseded row shares its trace with its current version, so the traces
 * of the batch hold those of the rows kept. The contexts it finds are added to `known`.
 */
export async function keepNewestWithTraceContexts(client: ClickHouseClient, projectId: string, rows: ObservationV2Row[], known: KnownTraceContexts): Promise<ObservationV2Row[]> {
  if (rows.length === 0) return rows;
  const near = tracesNear(projectId, rows);
  const versions = observations.latestVersions(projectId, rows);
  const results = await selectRows<TraceContext & LatestVersion & { kind: "trace" | "version" }>(client, {
    name: "observations.newest-versions-and-trace-contexts",
    sql: `SELECT 'trace' AS kind, ${CONTEXT_COLUMNS}, 0 AS latest FROM (${near.sql})
          UNION ALL
          SELECT 'version', id, NULL, NULL, NULL, [], NULL, false, false, latest FROM (${versions.sql})`,
    params: { ...near.params, ...versions.params },
  });
  for (const row of rows) known.searchedNear.add(row.trace_id);
  for (const { kind, latest: _, ...trace } of results) if (kind === "trace") known.found.set(trace.id, trace);
  return observations.withoutSuperseded(
    rows,
    results.filter((row) => row.kind === "version"),
  );
}

/** One observation with the keys of the requested groups, as the reference server emits them. */
export function observationV2View(
  row: ObservationV2Row,
  groups: Set<ObservationFieldGroup>,
  trace: TraceContext | undefined,
  modelPrices: Map<string, { input: number | null; output: number | null; total: number | null }>,
  fullMetadata: boolean,
): ObservationV2 {
  const startTime = isoFromClickHouse(row.start_time);
  const endTime = isoFromClickHouse(row.end_time);
  // A group's columns are on the row whenever the group is asked for (`pageColumns`).
  const completionStartTime = isoFromClickHouse(row.completion_start_time ?? null);
  const isRoot = row.is_root;
  const matched = groups.has("model") && row.internal_model_id ? modelPrices.get(row.internal_model_id) : undefined;
  const priceText = (price: number | null | undefined) => (price === null || price === undefined ? null : String(price));
  const view: ObservationV2 = {
    id: row.id,
    traceId: row.trace_id,
    startTime,
    endTime,
    projectId: row.project_id,
    parentObservationId: row.parent_observation_id,
    type: row.type,
    latency: secondsBetween(startTime, endTime),
    timeToFirstToken: groups.has("time") || groups.has("metrics") ? secondsBetween(startTime, completionStartTime) : null,
    modelId: matched ? row.internal_model_id! : null,
    inputPrice: priceText(matched?.input),
    outputPrice: priceText(matched?.output),
    totalPrice: priceText(matched?.total),
  };
  if (groups.has("basic")) {
    Object.assign(view, {
      name: row.name ?? "",
      level: row.level,
      statusMessage: row.status_message ?? "",
      version: row.version ?? "",
      environment: row.environment,
      bookmarked: Boolean(trace?.bookmarked),
      public: Boolean(trace?.public),
      userId: trace?.user_id ?? "",
      sessionId: trace?.session_id ?? "",
      isRootObservation: isRoot,
    });
  }
  if (groups.has("time")) {
    Object.assign(view, { completionStartTime, createdAt: isoFromClickHouse(row.created_at!), updatedAt: isoFromClickHouse(row.updated_at!) });
  }
  if (groups.has("io")) Object.assign(view, { input: row.input || null, output: row.output || null });
  if (groups.has("metadata")) view.metadata = flattenedMetadata(row.metadata ?? {}, fullMetadata);
  if (groups.has("model")) {
    Object.assign(view, {
      model: row.provided_model_name ?? "",
      internalModelId: row.internal_model_id ?? "",
      modelParameters: parseStoredText(row.model_parameters ?? null),
    });
  }
  if (groups.has("usage")) {
    const usageDetails = numericMap(row.usage_details!);
    const costDetails = numericMap(row.cost_details!);
    Object.assign(view, {
      usageDetails,
      costDetails,
      totalCost: costDetails.total ?? 0,
      usagePricingTierId: row.usage_pricing_tier_id,
      usagePricingTierName: row.usage_pricing_tier_name,
      inputUsage: sumWhereKeyContains(usageDetails, "input") ?? 0,
      outputUsage: sumWhereKeyContains(usageDetails, "output") ?? 0,
      totalUsage: usageDetails.total ?? 0,
      inputCost: sumWhereKeyContains(costDetails, "input"),
      outputCost: sumWhereKeyContains(costDetails, "output"),
    });
  }
  if (groups.has("prompt")) {
    Object.assign(view, { promptId: row.prompt_id ?? "", promptName: row.prompt_name ?? "", promptVersion: row.prompt_version === null ? null : Number(row.prompt_version) });
  }
  if (groups.has("metrics")) Object.assign(view, { latency: secondsBetween(startTime, endTime), timeToFirstToken: secondsBetween(startTime, completionStartTime) });
  if (groups.has("trace_context")) {
    Object.assign(view, {
      traceName: trace?.name ? trace.name : isRoot && row.name ? row.name : null,
      tags: trace?.tags ?? [],
      release: trace?.release ?? "",
    });
  }
  return view;
}
