import type { ClickHouseClient } from "@clickhouse/client";
import { insertRows } from "../query/statements.ts";
import { utcDayOf } from "../query/time.ts";
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
