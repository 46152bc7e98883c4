import type { ClickHouseClient } from "@clickhouse/client";
import { clickHouseInstant, DATETIME64, isoFromClickHouse, selectRows, type Where } from "@wick/clickhouse";
import type { ExperimentCursor } from "./cursor.ts";
import { experimentEvents } from "./events.ts";

export interface PageRow {
  experiment_id: string;
  /** The experiment's latest event start: its place in the order. */
  latest: string;
}

/** What placing experiments reads of their events. */
const PAGE_COLUMNS = ["experiment_id", "start_time", "created_at"] as const;

/** The first slice looked at, and how much a slice may grow at once. */
const FIRST_SLICE_MS = 6 * 3_600_000;
const MAX_GROWTH = 16;

/**
 * Which experiments a page shows: those with an event in the window, by latest event (newest
 * first, then id), after the cursor's; `fetch` of them.
 *
 * Grouping every event of the window costs a read of all of them. The page needs less: if the
 * events of the last slice of time before the page's start name `fetch` experiments, no other
 * experiment can come before them (its latest event is older than the slice), and each one's latest
 * event is inside the slice. So slices ending where the page starts are grouped, growing until one
 * names enough experiments or covers the window; the sort key's leading start time confines each
 * read to its slice.
 *
 * After a cursor, only events received before the first page was read (`asOf`) place an experiment,
 * and the experiments placed at or before the cursor by them (those earlier pages showed) are left
 * out: an experiment that gains newer events while a client pages keeps its place. Experiments
 * whose every event came later are on a fresh first page instead.
 */
export async function pageExperiments(client: ClickHouseClient, where: Where, windowFrom: string, cursor: ExperimentCursor | undefined, fetch: number): Promise<PageRow[]> {
  // Conditions on single events go inside the sources (`experimentEvents`); the rest on their union.
  let inner = where.toString();
  const outer: string[] = [];
  const params: Record<string, unknown> = { ...where.params, fetch };
  let end: number | undefined;
  if (cursor) {
    end = Date.parse(cursor.lastTime);
    Object.assign(params, { cursorTime: clickHouseInstant(new Date(cursor.lastTime)), cursorExperimentId: cursor.lastExperimentId });
    // A cursor with the reference's fields only (no `asOf`) places experiments by all their events.
    if (cursor.asOf) params.asOf = clickHouseInstant(new Date(cursor.asOf));
    const received = cursor.asOf ? `created_at <= {asOf:${DATETIME64}}` : "1";
    const atOrBeforeCursor = `(start_time, experiment_id) >= ({cursorTime:${DATETIME64}}, {cursorExperimentId:String})`;
    inner += ` AND start_time <= {cursorTime:${DATETIME64}}`;
    outer.push(
      received,
      `experiment_id NOT IN (SELECT experiment_id FROM ${experimentEvents.from(PAGE_COLUMNS, `${where} AND start_time >= {cursorTime:${DATETIME64}}`)} WHERE ${received} AND ${atOrBeforeCursor})`,
    );
  }
  // A first page's first slice ends at the newest event, which the same statement looks up.
  const newest = `(SELECT start_time FROM ${experimentEvents.from(PAGE_COLUMNS, where.toString(), "ORDER BY start_time DESC LIMIT 1")} ORDER BY start_time DESC LIMIT 1)`;
  const from = Date.parse(windowFrom);
  const after = cursor ? `HAVING (latest, experiment_id) < ({cursorTime:${DATETIME64}}, {cursorExperimentId:String})` : "";
  let span = FIRST_SLICE_MS;
  for (;;) {
    const sliceFrom = end === undefined ? `${newest} - toIntervalMillisecond({span:UInt64})` : `{sliceFrom:${DATETIME64}}`;
    const rows = await selectRows<PageRow & { newest?: string }>(client, {
      name: "observations.experiments-page",
      sql: `SELECT experiment_id, max(start_time) AS latest${end === undefined ? `, ${newest} AS newest` : ""}
            FROM ${experimentEvents.from(PAGE_COLUMNS, `${inner} AND start_time >= ${sliceFrom}`)}
            ${outer.length > 0 ? `WHERE ${outer.join(" AND ")}` : ""}
            GROUP BY experiment_id
            ${after}
            ORDER BY latest DESC, experiment_id DESC
            LIMIT {fetch:UInt32}`,
      params: end === undefined ? { ...params, span } : { ...params, sliceFrom: clickHouseInstant(new Date(Math.max(from, end - span))) },
    });
    if (end === undefined) {
      // No row: the window holds no event.
      if (rows.length === 0) return [];
      end = Date.parse(isoFromClickHouse(rows[0]!.newest!));
    }
    if (rows.length >= fetch || end - span <= from) return rows.map(({ experiment_id, latest }) => ({ experiment_id, latest }));
    // Grow by what the slice suggests the page needs, at least double and at most MAX_GROWTH times.
    span *= Math.min(MAX_GROWTH, Math.max(2, Math.ceil((2 * fetch) / Math.max(rows.length, 1))));
  }
}
