import type { ClickHouseClient } from "@clickhouse/client";
import { clickHouseInstant, DATETIME64, IN_PROJECT, scores, selectRows, type StoredScore } from "@wick/clickhouse";
import type { ScoreV3 } from "@wick/contracts";
import { scoreV3View } from "@wick/scores";

/** Scores show their core keys and their subject, as the reference's v3 shape for embedded scores. */
const GROUPS = new Set(["core", "subject"] as const);
const DAY_MS = 86_400_000;

/**
 * The time range scores of a page are looked for in: from a day before its oldest row to a day
 * after its newest, never past now. It keeps the scan on the few partitions the page can concern.
 */
function scoreRange(starts: string[], ends: string[]) {
  const from = Math.min(...starts.map((time) => Date.parse(`${time.replace(" ", "T")}Z`))) - DAY_MS;
  const to = Math.min(Date.now(), Math.max(...ends.map((time) => Date.parse(`${time.replace(" ", "T")}Z`))) + DAY_MS);
  return { scoresFrom: clickHouseInstant(new Date(from)), scoresTo: clickHouseInstant(new Date(to)) };
}
const IN_RANGE = `timestamp >= {scoresFrom:${DATETIME64}} AND timestamp <= {scoresTo:${DATETIME64}}`;

function grouped(rows: StoredScore[], key: (row: StoredScore) => string): Map<string, ScoreV3[]> {
  const out = new Map<string, ScoreV3[]>();
  for (const row of rows) {
    const list = out.get(key(row)) ?? [];
    list.push(scoreV3View(row, GROUPS));
    out.set(key(row), list);
  }
  return out;
}

/** Each experiment's own scores (a dataset run id equal to its id and no other subject), newest first, at most `limit`. */
export async function experimentScores(
  client: ClickHouseClient,
  projectId: string,
  experiments: Array<{ experiment_id: string; first_start: string; last_end: string }>,
  limit: number,
): Promise<Map<string, ScoreV3[]>> {
  if (experiments.length === 0) return new Map();
  const rows = await selectRows<StoredScore>(client, {
    name: "scores.of-experiments",
    sql: `SELECT * FROM (${scores.newestPerId(
      "*",
      `${IN_PROJECT} AND dataset_run_id IN {experimentIds:Array(String)} AND trace_id IS NULL AND observation_id IS NULL AND session_id IS NULL AND ${IN_RANGE}`,
    )})
          ORDER BY timestamp DESC, id DESC
          LIMIT {scoreLimit:UInt32} BY dataset_run_id`,
    params: {
      projectId,
      experimentIds: experiments.map((row) => row.experiment_id),
      scoreLimit: limit,
      ...scoreRange(
        experiments.map((row) => row.first_start),
        experiments.map((row) => row.last_end),
      ),
    },
  });
  return grouped(rows, (row) => row.dataset_run_id ?? "");
}

/**
 * Each item's scores, keyed by trace: the scores of its root span, and the trace-level scores of its
 * trace (no observation, session or dataset run); newest first, at most `limit` per trace.
 */
export async function itemScores(
  client: ClickHouseClient,
  projectId: string,
  items: Array<{ id: string; trace_id: string; start_time: string; end_time: string | null }>,
  limit: number,
): Promise<Map<string, ScoreV3[]>> {
  if (items.length === 0) return new Map();
  const rows = await selectRows<StoredScore>(client, {
    name: "scores.of-experiment-items",
    sql: `SELECT * FROM (${scores.newestPerId(
      "*",
      `${IN_PROJECT} AND trace_id IN {traceIds:Array(String)} AND ${IN_RANGE}
       AND ((observation_id IS NOT NULL AND observation_id IN {rootSpanIds:Array(String)})
            OR (observation_id IS NULL AND session_id IS NULL AND dataset_run_id IS NULL))`,
    )})
          ORDER BY timestamp DESC, id DESC
          LIMIT {scoreLimit:UInt32} BY trace_id`,
    params: {
      projectId,
      traceIds: [...new Set(items.map((item) => item.trace_id))],
      rootSpanIds: items.map((item) => item.id),
      scoreLimit: limit,
      ...scoreRange(
        items.map((item) => item.start_time),
        items.map((item) => item.end_time ?? item.start_time),
      ),
    },
  });
  return grouped(rows, (row) => row.trace_id ?? "");
}
