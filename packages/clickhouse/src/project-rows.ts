import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows } from "./query/statements.ts";
import type { DeletableTable, RowDeletes } from "./row-deletes.ts";

/**
 * Every table that holds rows of a project, all keyed by `project_id`. A test holds this list to
 * the schema, so a table added later cannot be left out of project deletion.
 */
export const PROJECT_TABLES: readonly DeletableTable[] = [
  "raw_events",
  "traces",
  "observations",
  "scores",
  "sessions",
  "dataset_run_items",
  "experiment_link_events",
  "observation_day_rollups",
  "observation_user_day_rollups",
  "missing_score_traces",
];

/**
 * How each large table's rows are cut into slices: by a column of its sort key right after
 * `project_id` (after `within`, when there is one, whose values each get slices of their own), so
 * that each statement reads a narrow stretch of the key. Types are for binding the bounds.
 */
const SLICING: Partial<Record<DeletableTable, { column: string; type: string; within?: string }>> = {
  raw_events: { within: "entity_kind", column: "entity_id", type: "String" },
  traces: { column: "timestamp", type: "DateTime64(3)" },
  observations: { column: "start_time", type: "DateTime64(3)" },
  scores: { column: "timestamp", type: "DateTime64(3)" },
  experiment_link_events: { column: "start_time", type: "DateTime64(3)" },
};

/** About this many rows per delete statement: a fraction of a second of embedded chDB's one query slot. */
const ROWS_PER_SLICE = 100_000;
/** Values sampled to place the slice bounds; enough that slices come out near their intended size. */
const SAMPLE_SIZE = 2_000;

interface Slice {
  /** Conditions besides `project_id`, over the bound parameters. */
  where: string;
  params: Record<string, unknown>;
}

/** The slices of the project's rows of `table`, from a sample of the slice column's values (per value of `within`). */
async function slicesOf(client: ClickHouseClient, table: DeletableTable, projectId: string, rowsPerSlice: number): Promise<Slice[]> {
  const slicing = SLICING[table];
  if (!slicing) return [];
  const { column, type, within } = slicing;
  const groups = await selectRows<{ part: string | null; rows: string | number; sample: string[] }>(client, {
    name: `${table}.slices-of-project`,
    sql: `SELECT ${within ? `toString(${within})` : "NULL"} AS part, count() AS rows, arraySort(groupArraySample(${SAMPLE_SIZE}, 1)(toString(${column}))) AS sample
          FROM ${table} WHERE project_id = {projectId:String} GROUP BY part`,
    params: { projectId },
  });
  const slices: Slice[] = [];
  for (const { part, rows, sample } of groups) {
    const count = Math.ceil(Number(rows) / rowsPerSlice);
    const bounds = [...new Set(Array.from({ length: Math.max(0, count - 1) }, (_, index) => sample[Math.floor(((index + 1) * sample.length) / count)]!))];
    for (let slice = 0; slice <= bounds.length; slice += 1) {
      const conditions: string[] = [];
      const params: Record<string, unknown> = {};
      if (within && part !== null) {
        conditions.push(`${within} = {part:String}`);
        params.part = part;
      }
      if (slice > 0) {
        conditions.push(`${column} >= {from:${type}}`);
        params.from = bounds[slice - 1];
      }
      if (slice < bounds.length) {
        conditions.push(`${column} < {to:${type}}`);
        params.to = bounds[slice];
      }
      if (conditions.length > 0) slices.push({ where: conditions.join(" AND "), params });
    }
  }
  return slices;
}

/**
 * Deletes every row of the project, in every table; repeating it is harmless. Embedded chDB runs
 * one statement at a time, so a delete of a million rows would hold every other tenant's reads
 * for its whole length: large tables go a slice at a time, one statement after another, and reads
 * take their turn in between. A last statement per table deletes what the slices did not cover
 * (rows written since they were planned), usually nothing.
 */
export async function deleteProjectRows(client: ClickHouseClient, rows: RowDeletes, projectId: string, rowsPerSlice = ROWS_PER_SLICE): Promise<void> {
  for (const table of PROJECT_TABLES) {
    for (const slice of await slicesOf(client, table, projectId, rowsPerSlice)) {
      await rows.delete(`${table}.delete-slice-of-project`, table, `project_id = {projectId:String} AND ${slice.where}`, { projectId, ...slice.params });
    }
    await rows.delete(`${table}.delete-of-project`, table, "project_id = {projectId:String}", { projectId });
  }
}
