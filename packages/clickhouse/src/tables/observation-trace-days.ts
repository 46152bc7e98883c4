import type { ClickHouseClient } from "@clickhouse/client";
import { insertRows, selectRows } from "../query/statements.ts";
import { utcDayOf } from "../query/time.ts";
import type { BoundCondition } from "./merged-table.ts";
import type { ObservationRow } from "./observations.ts";

const TABLE = "observation_trace_days";

/** The project's days of the traces a parameter names: `{traceIds:Array(String)}` or `[{traceId:String}]`. */
const daysOf = (traceIds: string) => `FROM ${TABLE} WHERE project_id = {projectId:String} AND trace_id IN ${traceIds}`;

/**
 * The UTC days of start that hold observations of each trace (0012_observation_trace_days.sql):
 * always a superset, since a trace's days are stored before its observation rows are.
 */
export const observationTraceDays = {
  /** Stores the distinct (project, trace, day) of these rows; call it before inserting them. */
  insert(client: ClickHouseClient, rows: ReadonlyArray<Pick<ObservationRow, "project_id" | "trace_id" | "start_time">>): Promise<void> {
    const days = new Map<string, { project_id: string; trace_id: string; day: string }>();
    for (const row of rows) {
      const day = utcDayOf(row.start_time);
      days.set(`${row.project_id}\u0000${row.trace_id}\u0000${day}`, { project_id: row.project_id, trace_id: row.trace_id, day });
    }
    return insertRows(client, `${TABLE}.insert`, TABLE, [...days.values()]);
  },

  /** The distinct days (`YYYY-MM-DD`) stored for these traces, oldest first. */
  async daysOf(client: ClickHouseClient, projectId: string, traceIds: readonly string[]): Promise<string[]> {
    const rows = await selectRows<{ day: string }>(client, {
      name: `${TABLE}.days-of-traces`,
      sql: `SELECT DISTINCT toString(day) AS day ${daysOf("{traceIds:Array(String)}")} ORDER BY day`,
      params: { projectId, traceIds },
    });
    return rows.map((row) => row.day);
  },

  /** A condition on observations that keeps to the span of `days` (oldest first, as `daysOf` gives them), bound as values. */
  span(days: readonly string[]): BoundCondition {
    return {
      sql: "start_time >= toDateTime64({spanFrom:Date32}, 3, 'UTC') AND start_time < toDateTime64({spanTo:Date32} + 1, 3, 'UTC')",
      params: { spanFrom: days[0], spanTo: days.at(-1) },
    };
  },

  /**
   * A condition on observations that keeps to the span of days holding observations of the traces
   * `traceIds` names, bound by `{projectId:String}`. Both bounds are scalar subqueries, which
   * ClickHouse computes before it picks parts and granules, so the sort key on `start_time`
   * narrows the read to those days. With no day stored the span is empty, as is the answer.
   */
  withinDaysOf(traceIds: string): string {
    return `start_time >= (SELECT toDateTime64(min(day), 3, 'UTC') ${daysOf(traceIds)})
            AND start_time < (SELECT toDateTime64(max(day) + 1, 3, 'UTC') ${daysOf(traceIds)})`;
  },
};
