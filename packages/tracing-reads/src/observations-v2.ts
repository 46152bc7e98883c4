import type { ClickHouseClient } from "@clickhouse/client";
import { ObservationFieldGroups, type ObservationFieldGroup, type ObservationsV2Query, type ObservationV2 } from "@wick/contracts";
import { ParamBag } from "./filters/compile.ts";
import { compileObservationFilter, parseFilter } from "./filters/observation-filter.ts";
import { keepLatestVersions } from "./latest-versions.ts";
import { flattenedMetadata } from "./metadata-paths.ts";
import type { StoredObservation } from "@wick/clickhouse";
import type { PriceLookup } from "./tracing-reads.ts";
import { isoFromClickHouse, numericMap, parseStoredText, secondsBetween, sumWhereKeyContains } from "./values.ts";
import { currentTraces } from "./where.ts";

export class InvalidCursorError extends Error {}

interface Cursor {
  lastStartTimeTo: string;
  lastTraceId: string;
  lastId: string;
}

/** `2025-01-01T10:00:00.123Z` → `2025-01-01 10:00:00.123`, the text form of a UTC DateTime64(3) parameter. */
const clickHouseTime = (iso: string) => new Date(iso).toISOString().replace("T", " ").replace("Z", "");

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64");
}

function decodeCursor(raw: string): Cursor {
  let parsed: unknown;
  try {
    // Node's base64 decoder also takes the URL-safe alphabet and missing padding.
    parsed = JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
  } catch {
    throw new InvalidCursorError("Invalid cursor format");
  }
  const cursor = parsed as Partial<Cursor>;
  if (typeof cursor?.lastStartTimeTo !== "string" || typeof cursor.lastTraceId !== "string" || typeof cursor.lastId !== "string" || Number.isNaN(Date.parse(cursor.lastStartTimeTo))) {
    throw new InvalidCursorError("Invalid cursor format");
  }
  return cursor as Cursor;
}

/** `fields` as the reference reads it: default core,basic; unknown names dropped; core always. */
export function observationGroups(fields: ObservationsV2Query["fields"]): Set<ObservationFieldGroup> {
  if (fields === undefined) return new Set(["core", "basic"]);
  const names = Array.isArray(fields) ? fields : fields.split(",").map((name) => name.trim());
  return new Set(["core", ...names.filter((name): name is ObservationFieldGroup => (ObservationFieldGroups as readonly string[]).includes(name))]);
}

interface TraceContext {
  id: string;
  name: string | null;
  user_id: string | null;
  session_id: string | null;
  tags: string[];
  release: string | null;
  public: boolean;
  bookmarked: boolean;
}

type Row = StoredObservation & { merge_version: number | string };

/**
 * `GET /api/public/v2/observations`: one merged row per observation (never a stale duplicate), in
 * the reference's order — start time, trace-id hash, id, all descending — with a keyset cursor, so
 * pages neither skip nor repeat while new observations arrive.
 */
export async function observationsV2(
  client: ClickHouseClient,
  prices: PriceLookup,
  projectId: string,
  query: ObservationsV2Query,
): Promise<{ data: ObservationV2[]; cursor?: string }> {
  const groups = observationGroups(query.fields);
  const bag = new ParamBag();
  const filter = compileObservationFilter(parseFilter(query.filter), bag);
  if (query.limit === 0) return { data: [] };
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;

  const where = ["project_id = {projectId:String}", ...filter.conditions];
  const params: Record<string, unknown> = { ...filter.params, projectId, limit: query.limit + 1 };
  const simple = (parameter: keyof ObservationsV2Query, condition: string, values: Record<string, unknown>) => {
    if (query[parameter] === undefined || filter.overridden.has(parameter)) return;
    where.push(condition);
    Object.assign(params, values);
  };
  simple("traceId", "trace_id = {traceId:String}", { traceId: query.traceId });
  simple("name", "name = {name:String}", { name: query.name });
  simple("type", "type = {type:String}", { type: query.type });
  simple("level", "level = {level:String}", { level: query.level });
  simple("version", "version = {version:String}", { version: query.version });
  simple(
    "parentObservationId",
    query.parentObservationId === "" ? "parent_observation_id IS NULL" : "parent_observation_id = {parentObservationId:String}",
    { parentObservationId: query.parentObservationId },
  );
  simple("isRootObservation", query.isRootObservation === "true" ? "parent_observation_id IS NULL" : "parent_observation_id IS NOT NULL", {});
  if (query.environment?.length) simple("environment", "environment IN {environment:Array(String)}", { environment: query.environment });
  simple("fromStartTime", "start_time >= parseDateTime64BestEffort({fromStartTime:String}, 3, 'UTC')", { fromStartTime: query.fromStartTime });
  simple("toStartTime", "start_time < parseDateTime64BestEffort({toStartTime:String}, 3, 'UTC')", { toStartTime: query.toStartTime });
  simple("userId", `trace_id IN (SELECT id FROM (${currentTraces("user_id = {userId:String}")}))`, { userId: query.userId });
  simple("sessionId", `trace_id IN (SELECT id FROM (${currentTraces("session_id = {sessionId:String}")}))`, { sessionId: query.sessionId });

  // Only the columns the requested groups show are read: input/output are the heavy ones. The
  // ORDER BY is exactly the sort key, reversed (no aliases, nothing after it), so ClickHouse reads
  // in key order and stops after the limit instead of sorting the project.
  const heavy = [groups.has("io") ? "input, output" : "", groups.has("metadata") ? "metadata" : ""].filter(Boolean).join(", ");
  const scan = async (from: Cursor | undefined): Promise<{ raw: Row[]; distinct: Row[] }> => {
    const after = from
      ? ` AND start_time <= {cursorTime:DateTime64(3, 'UTC')}
          AND (start_time, xxHash32(trace_id), id) < ({cursorTime:DateTime64(3, 'UTC')}, xxHash32({cursorTraceId:String}), {cursorId:String})`
      : "";
    const result = await client.query({
      query: `
        SELECT * EXCEPT (input, output, metadata)${heavy ? `, ${heavy}` : ""}
        FROM observations
        WHERE ${where.join(" AND ")}${after}
        ORDER BY start_time DESC, xxHash32(trace_id) DESC, id DESC
        LIMIT {limit:UInt32}`,
      // A typed DateTime64 parameter (not a parsed string) lets the primary key narrow the scan.
      query_params: from ? { ...params, cursorTime: clickHouseTime(from.lastStartTimeTo), cursorTraceId: from.lastTraceId, cursorId: from.lastId } : params,
      format: "JSONEachRow",
    });
    const raw = await result.json<Row>();
    // Versions of one observation share the sort key, so they are adjacent here: keep the newest.
    const distinct: Row[] = [];
    for (const row of raw) {
      const previous = distinct.at(-1);
      if (previous?.id !== row.id) distinct.push(row);
      else if (Number(row.merge_version) > Number(previous.merge_version)) distinct[distinct.length - 1] = row;
    }
    return { raw, distinct };
  };

  // Rows whose newest version no longer matches are dropped after the scan; keep scanning past
  // them so that a page is only short at the end of the data.
  const rows: Row[] = [];
  let from = cursor;
  let exhausted = false;
  while (rows.length <= query.limit && !exhausted) {
    const { raw, distinct } = await scan(from);
    exhausted = raw.length < query.limit + 1;
    rows.push(...(await keepLatestVersions(client, "observations", projectId, distinct)));
    const last = raw.at(-1);
    if (last) from = { lastStartTimeTo: isoFromClickHouse(last.start_time), lastTraceId: last.trace_id, lastId: last.id };
  }
  const page = rows.slice(0, query.limit);
  const needTraces = groups.has("basic") || groups.has("trace_context");
  const traces = needTraces ? await traceContexts(client, projectId, page) : new Map<string, TraceContext>();
  const modelIds = groups.has("model") ? [...new Set(page.map((row) => row.internal_model_id).filter((id): id is string => !!id))] : [];
  const modelPrices = modelIds.length > 0 ? await prices(projectId, modelIds) : new Map();
  const fullMetadata = groups.has("io") || !!query.expandMetadata || filter.readsIoOrMetadata;

  const data = page.map((row) => observationV2View(row, groups, traces.get(row.trace_id), modelPrices, fullMetadata));
  const last = page.at(-1);
  if (rows.length > query.limit && last) {
    return { data, cursor: encodeCursor({ lastStartTimeTo: isoFromClickHouse(last.start_time), lastTraceId: last.trace_id, lastId: last.id }) };
  }
  return exhausted || !from ? { data } : { data, cursor: encodeCursor(from) };
}

async function traceContexts(client: ClickHouseClient, projectId: string, rows: Row[]): Promise<Map<string, TraceContext>> {
  if (rows.length === 0) return new Map();
  const result = await client.query({
    query: `SELECT id, name, user_id, session_id, tags, release, public, bookmarked FROM traces
            WHERE project_id = {projectId:String} AND id IN {ids:Array(String)}
            ORDER BY merge_version DESC LIMIT 1 BY id`,
    query_params: { projectId, ids: [...new Set(rows.map((row) => row.trace_id))] },
    format: "JSONEachRow",
  });
  return new Map((await result.json<TraceContext>()).map((trace) => [trace.id, trace]));
}

function observationV2View(
  row: Row,
  groups: Set<ObservationFieldGroup>,
  trace: TraceContext | undefined,
  modelPrices: Map<string, { input: number | null; output: number | null; total: number | null }>,
  fullMetadata: boolean,
): ObservationV2 {
  const startTime = isoFromClickHouse(row.start_time);
  const endTime = isoFromClickHouse(row.end_time);
  const completionStartTime = isoFromClickHouse(row.completion_start_time);
  const isRoot = row.parent_observation_id === null;
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
    modelId: matched ? row.internal_model_id : null,
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
    Object.assign(view, { completionStartTime, createdAt: isoFromClickHouse(row.created_at), updatedAt: isoFromClickHouse(row.updated_at) });
  }
  if (groups.has("io")) Object.assign(view, { input: row.input || null, output: row.output || null });
  if (groups.has("metadata")) view.metadata = flattenedMetadata(row.metadata ?? {}, fullMetadata);
  if (groups.has("model")) {
    Object.assign(view, {
      model: row.provided_model_name ?? "",
      internalModelId: row.internal_model_id ?? "",
      modelParameters: parseStoredText(row.model_parameters),
    });
  }
  if (groups.has("usage")) {
    const usageDetails = numericMap(row.usage_details);
    const costDetails = numericMap(row.cost_details);
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
