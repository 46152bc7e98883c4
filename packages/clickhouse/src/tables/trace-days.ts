import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows } from "../query/statements.ts";
import type { BoundCondition } from "./merged-table.ts";
import { OBSERVATION_TRACE_KIND, SCORE_TRACE_KIND } from "./raw-events.ts";

/**
 * Where one table's rows of each trace lie, from the entries the event log keeps for them
 * (0012_observation_trace_entries.sql): always a superset, since a row's entry is logged before any
 * version of the row is written, and nothing but retention and project deletion removes entries.
 * Rows are sorted by `time`, so a read of some traces' rows that keeps to their instants (or, for a
 * delete, their days) reads only the granules holding them.
 */
function traceDays(entryKind: string, time: "start_time" | "timestamp", daysParam: string) {
  /**
   * The entries of the project `{projectId:String}` for the traces a parameter names:
   * `{traceIds:Array(String)}` or `[{traceId:String}]`. The sort key of `raw_events` starts with
   * (project, kind, entity), so this is a lookup by key.
   */
  const entriesOf = (traceIds: string) => `FROM raw_events WHERE project_id = {projectId:String} AND entity_kind = '${entryKind}' AND entity_id IN ${traceIds}`;
  return {
    /** The distinct days (`YYYY-MM-DD`) of these traces' rows, oldest first. */
    async daysOf(client: ClickHouseClient, projectId: string, traceIds: readonly string[]): Promise<string[]> {
      const rows = await selectRows<{ day: string }>(client, {
        name: `raw_events.days-of-traces-${entryKind}`,
        sql: `SELECT DISTINCT toString(toDate32(event_ts)) AS day ${entriesOf("{traceIds:Array(String)}")} ORDER BY day`,
        params: { projectId, traceIds },
      });
      return rows.map((row) => row.day);
    },

    /**
     * A condition on the table's rows that keeps to `days` (as `daysOf` gives them), bound as
     * values. ClickHouse narrows the read to those days by the sort key, however far apart they lie.
     */
    onDays(days: readonly string[]): BoundCondition {
      return { sql: `toDate32(${time}) IN {${daysParam}:Array(Date32)}`, params: { [daysParam]: days } };
    },

    /**
     * A condition on the table's rows that keeps to the instants of the entries of the traces
     * `traceIds` names, bound by `{projectId:String}`. A row's trace and time are those of the
     * first event its fold orders, and that event's entry carries the same text of both, so the
     * instants cover every row; ClickHouse narrows the read to the granules holding them, a few
     * where a day's worth of granules would be read otherwise. With no entry nothing matches.
     */
    atTimesOf(traceIds: string): string {
      return `${time} IN (SELECT event_ts ${entriesOf(traceIds)})`;
    },
  };
}

/** The days of observations' starts, per trace. */
export const observationTraceDays = traceDays(OBSERVATION_TRACE_KIND, "start_time", "observationDays");
/** The days of scores' timestamps, per trace. */
export const scoreTraceDays = traceDays(SCORE_TRACE_KIND, "timestamp", "scoreDays");
