import type { ClickHouseClient } from "@clickhouse/client";
import {
  clickHouseInstant,
  DATETIME64,
  instantFromText,
  isoFromClickHouse,
  IN_PROJECT,
  observationColumns,
  observations,
  observationTraceDays,
  ParamBag,
  selectRows,
  Where,
} from "@wick/clickhouse";
import { ObservationFieldGroups, type ObservationFieldGroup, type ObservationsV2Query, type ObservationV2 } from "@wick/contracts";
import { InvalidRequestError } from "@wick/errors";
import { compileObservationFilter, parseFilter } from "./filters/observation-filter.ts";
import { inCurrentTraces, OF_TRACE_USER } from "./current-traces.ts";
import { type CleanRollupDays, daysWithoutMatches, rolledUpColumnConditions } from "./observation-total.ts";
import type { PriceLookup } from "./tracing-reads.ts";
import {
  keepNewestWithTraceContexts,
  type KnownTraceContexts,
  observationV2View,
  traceContexts,
  pageColumns,
  type ObservationV2Row as Row,
  type TraceContext,
} from "./observation-v2-view.ts";

const IS_ROOT = observationColumns().isRoot;

export class InvalidCursorError extends InvalidRequestError {}

interface Cursor {
  lastStartTimeTo: string;
  lastTraceId: string;
  lastId: string;
}

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
  if (
    typeof cursor?.lastStartTimeTo !== "string" ||
    typeof cursor.lastTraceId !== "string" ||
    typeof cursor.lastId !== "string" ||
    Number.isNaN(Date.parse(cursor.lastStartTimeTo))
  ) {
    throw new InvalidCursorError("Invalid cursor format");
  }
  return cursor as Cursor;
}

/** A cursor after `row`, in scan order. */
const cursorAt = (row: Row): Cursor => ({ lastStartTimeTo: isoFromClickHouse(row.start_time), lastTraceId: row.trace_id, lastId: row.id });

/**
 * The parameters whose conditions read only the sort key (project, start time, trace), which all
 * versions of an observation share: its trace and start time never change under one key, since a
 * write that moves them removes the versions filed under the old key.
 */
const KEY_PARAMETERS = new Set<keyof ObservationsV2Query>(["traceId", "fromStartTime", "toStartTime"]);

/** The parameters that bound the start time only: a list with no others holds every observation of its window. */
const TIME_PARAMETERS = new Set<keyof ObservationsV2Query>(["fromStartTime", "toStartTime"]);

/** `fields` as the reference reads it: default core,basic; unknown names dropped; core always. */
export function observationGroups(fields: ObservationsV2Query["fields"]): Set<ObservationFieldGroup> {
  if (fields === undefined) return new Set(["core", "basic"]);
  const names = Array.isArray(fields) ? fields : fields.split(",").map((name) => name.trim());
  return new Set(["core", ...names.filter((name): name is ObservationFieldGroup => (ObservationFieldGroups as readonly string[]).includes(name))]);
}

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
  cleanDays?: CleanRollupDays,
): Promise<{ data: ObservationV2[]; cursor?: string }> {
  const groups = observationGroups(query.fields);
  const bag = new ParamBag();
  const filter = compileObservationFilter(parseFilter(query.filter), bag);
  if (query.limit === 0) return { data: [] };
  const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;

  const where = [IN_PROJECT, ...filter.conditions];
  const params: Record<string, unknown> = { ...filter.params, projectId };
  // Whether every condition reads only what all versions of an observation share (see the scan).
  let keyOnly = filter.conditions.length === 0;
  // Whether the conditions bound the start time at most, so that a day of a busy project fills a page.
  let everyObservation = keyOnly;
  const simple = (parameter: keyof ObservationsV2Query, condition: string, values: Record<string, unknown>) => {
    if (query[parameter] === undefined || filter.overridden.has(parameter)) return;
    where.push(condition);
    Object.assign(params, values);
    if (!KEY_PARAMETERS.has(parameter)) keyOnly = false;
    if (!TIME_PARAMETERS.has(parameter)) everyObservation = false;
  };
  simple("traceId", `trace_id = {traceId:String} AND ${observationTraceDays.atTimesOf("[{traceId:String}]")}`, { traceId: query.traceId });
  simple("name", "name = {name:String}", { name: query.name });
  simple("type", "type = {type:String}", { type: query.type });
  simple("level", "level = {level:String}", { level: query.level });
  simple("version", "version = {version:String}", { version: query.version });
  simple("parentObservationId", query.parentObservationId === "" ? "parent_observation_id IS NULL" : "parent_observation_id = {parentObservationId:String}", {
    parentObservationId: query.parentObservationId,
  });
  simple("isRootObservation", query.isRootObservation === "true" ? IS_ROOT : `NOT ${IS_ROOT}`, {});
  if (query.environment?.length) simple("environment", "environment IN {environment:Array(String)}", { environment: query.environment });
  simple("fromStartTime", `start_time >= ${instantFromText("{fromStartTime:String}")}`, { fromStartTime: query.fromStartTime });
  simple("toStartTime", `start_time < ${instantFromText("{toStartTime:String}")}`, { toStartTime: query.toStartTime });
  simple("userId", OF_TRACE_USER, { userId: query.userId });
  simple("sessionId", inCurrentTraces("session_id = {sessionId:String}"), { sessionId: query.sessionId });
  if (cleanDays) {
    const given = <Key extends "name" | "type" | "level" | "environment">(key: Key) => (filter.overridden.has(key) ? undefined : query[key]);
    const groups = rolledUpColumnConditions(new Where(projectId), { name: given("name"), type: given("type"), level: given("level"), environment: given("environment") });
    const skipped = await daysWithoutMatches(client, cleanDays, projectId, groups, bag);
    where.push(...skipped);
    Object.assign(params, bag.values);
    if (skipped.length > 0) keyOnly = everyObservation = false;
  }

  // Only the columns the requested groups show are read (`pageColumns`). The ORDER BY is exactly
  // the sort key, reversed (no aliases, nothing after it), so ClickHouse reads in key order and
  // stops after the limit instead of sorting the project.
  const columns = pageColumns(groups);
  // After a cursor the SQL bounds only the start time (`<= T`), which keeps the key-ordered read
  // as cheap as a first page; a tuple comparison in WHERE costs several milliseconds more. Rows at
  // exactly T that earlier pages returned come first in the scan, flagged, and are skipped here.
  const scan = (from: Cursor | undefined, fetch: number, dayBelow: boolean) =>
    selectRows<Row & { on_earlier_page?: number }>(client, {
      name: "observations.v2-page",
      sql: `
        SELECT ${columns}${
          from ? `, (${observations.sortKey.join(", ")}) >= ({cursorTime:${DATETIME64}}, xxHash32({cursorTraceId:String}), {cursorId:String}) AS on_earlier_page` : ""
        }
        FROM ${observations.name}
        WHERE ${where.join(" AND ")}${from ? ` AND start_time <= {cursorTime:${DATETIME64}}` : ""}${
          dayBelow ? ` AND start_time >= {cursorTime:${DATETIME64}} - INTERVAL 1 DAY` : ""
        }
        ORDER BY ${observations.keyOrder("DESC")}
        LIMIT {fetch:UInt32}`,
      // A typed DateTime64 parameter (not a parsed string) lets the primary key narrow the scan.
      params: from
        ? { ...params, fetch, cursorTime: clickHouseInstant(new Date(from.lastStartTimeTo)), cursorTraceId: from.lastTraceId, cursorId: from.lastId }
        : { ...params, fetch },
    });

  // Rows whose newest version no longer matches are dropped after the scan; keep scanning past
  // them so that a page is only short at the end of the data. Versions of one observation share
  // its sort key, so a scan whose conditions read only the key meets every version of each
  // observation it reaches, side by side, and needs no lookup of newer ones: all but the last
  // observation of a full batch, whose other versions may lie past the batch. That one is read
  // again by the next batch.
  const rows: Row[] = [];
  const needTraces = groups.has("basic") || groups.has("trace_context");
  const knownTraces: KnownTraceContexts = { found: new Map(), searchedNear: new Set() };
  let from = cursor;
  // One more row than the page shows, plus the cursor's own row, which the scan reads again, plus
  // the last observation a key-only scan reads again.
  const firstFetch = () => query.limit + (from ? 2 : 1) + (keyOnly ? 1 : 0);
  let fetch = firstFetch();
  let exhausted = false;
  // Below a cursor, a list of every observation reads the day below it first. Far down a large
  // project, the read in key order otherwise starts in every part holding older rows of the
  // project: 19-20 ms against 15-16 for the day, 1,000 pages deep in 100 M. A day that runs out
  // before the page is full was read whole, and the read goes on below it unbounded.
  let dayBelow = !!from && everyObservation;
  while (rows.length <= query.limit && !exhausted) {
    const raw = await scan(from, fetch, dayBelow);
    // A batch short of `fetch` holds every matching row of its range.
    const full = raw.length === fetch;
    exhausted = !full && !dayBelow;
    dayBelow = false;
    const last = raw.at(-1);
    if (full && from && last && Date.parse(isoFromClickHouse(last.start_time)) === Date.parse(from.lastStartTimeTo)) {
      // The whole batch shares the cursor's start time, and earlier pages may have returned all of
      // it: read the same rows again with room for more, since the batch says nothing about what follows.
      fetch *= 2;
      continue;
    }
    const unseen = raw.filter((row) => !row.on_earlier_page);
    // Versions of one observation share the sort key, so they are adjacent here: keep the newest.
    const distinct: Row[] = [];
    for (const { on_earlier_page: _, ...row } of unseen) {
      const previous = distinct.at(-1);
      if (previous?.id !== row.id) distinct.push(row);
      else distinct[distinct.length - 1] = observations.newerOf(previous, row);
    }
    if (keyOnly && full) {
      distinct.pop();
      const kept = distinct.at(-1);
      if (!kept) {
        // One observation's versions fill the batch: read them again with room for more.
        fetch *= 2;
        continue;
      }
      rows.push(...distinct);
      from = cursorAt(kept);
    } else {
      if (keyOnly) rows.push(...distinct);
      else if (needTraces) rows.push(...(await keepNewestWithTraceContexts(client, projectId, distinct, knownTraces)));
      else rows.push(...(await observations.keepNewest(client, projectId, distinct)));
      if (last) from = cursorAt(last);
    }
    fetch = firstFetch();
  }
  const page = rows.slice(0, query.limit);
  const traces = needTraces ? await traceContexts(client, projectId, page, knownTraces) : new Map<string, TraceContext>();
  const modelIds = groups.has("model") ? [...new Set(page.map((row) => row.internal_model_id).filter((id): id is string => !!id))] : [];
  const modelPrices = modelIds.length > 0 ? await prices(projectId, modelIds) : new Map();
  const fullMetadata = groups.has("io") || !!query.expandMetadata || filter.readsIoOrMetadata;

  const data = page.map((row) => observationV2View(row, groups, traces.get(row.trace_id), modelPrices, fullMetadata));
  const last = page.at(-1);
  if (rows.length > query.limit && last) return { data, cursor: encodeCursor(cursorAt(last)) };
  return exhausted || !from ? { data } : { data, cursor: encodeCursor(from) };
}
