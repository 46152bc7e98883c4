import type { ClickHouseClient } from "@clickhouse/client";
import { insertRows, selectRows } from "../query/statements.ts";
import { DATETIME64 } from "../query/time.ts";
import { IN_PROJECT } from "../query/where.ts";
import type { RowDeletes } from "../row-deletes.ts";

/** A run item as written: the link, and snapshots of its run and of the item version it ran on. */
export interface DatasetRunItemRow {
  project_id: string;
  id: string;
  dataset_id: string;
  dataset_run_id: string;
  dataset_item_id: string;
  trace_id: string;
  observation_id: string | null;
  created_at: string;
  updated_at: string;
  dataset_run_name: string;
  dataset_run_description: string | null;
  dataset_run_metadata: Record<string, string>;
  dataset_run_created_at: string;
  /** JSON text. */
  dataset_item_input: string | null;
  dataset_item_expected_output: string | null;
  dataset_item_metadata: Record<string, string>;
  dataset_item_version: string | null;
}

/** The columns the public API shows of a run item, times as ClickHouse text (UTC). */
export type ListedRunItem = Pick<DatasetRunItemRow, "id" | "dataset_run_id" | "dataset_run_name" | "dataset_item_id" | "trace_id" | "observation_id" | "created_at" | "updated_at">;

/**
 * One incarnation of a run: its id and creation time. A run deleted and created again under the
 * same name gets the same id, so the creation time tells the new run's items from rows of the old
 * one that a delete has not yet removed.
 */
export interface RunIncarnation {
  projectId: string;
  datasetId: string;
  runId: string;
  /** `2025-01-01 10:00:00.123`, as `clickHouseInstant` writes it. */
  runCreatedAt: string;
}

const TABLE = "dataset_run_items";
const OF_RUN = `${IN_PROJECT} AND dataset_id = {datasetId:String} AND dataset_run_id = {runId:String} AND dataset_run_created_at = {runCreatedAt:${DATETIME64}}`;
const LISTED = "id, dataset_run_id, dataset_run_name, dataset_item_id, trace_id, observation_id, created_at, updated_at";

/**
 * The newest row of each dataset item in a run (by `created_at`, then insertion), newest first;
 * the item id breaks the remaining ties, so pages neither skip nor repeat.
 */
const newestPerItem = (paged: boolean) => `
  SELECT ${LISTED} FROM (
    SELECT ${LISTED}, inserted_at FROM ${TABLE} WHERE ${OF_RUN}
    ORDER BY dataset_item_id, created_at DESC, inserted_at DESC, id DESC
    LIMIT 1 BY dataset_item_id
  )
  ORDER BY created_at DESC, inserted_at DESC, dataset_item_id
  ${paged ? "LIMIT {limit:UInt32} OFFSET {offset:UInt64}" : ""}`;

const paramsOf = (run: RunIncarnation) => ({ projectId: run.projectId, datasetId: run.datasetId, runId: run.runId, runCreatedAt: run.runCreatedAt });

/**
 * `dataset_run_items` (0007_dataset_run_items.sql): sorted by (project_id, dataset_id,
 * dataset_run_id, dataset_item_id, id), so a run's rows sit together and each item's side by side.
 */
export const datasetRunItems = {
  name: TABLE,

  insert: (client: ClickHouseClient, rows: readonly DatasetRunItemRow[]) => insertRows(client, `${TABLE}.insert`, TABLE, rows),

  /** A page of the run's items, one per dataset item, and how many dataset items the run has. */
  page: async (client: ClickHouseClient, run: RunIncarnation, page: { limit: number; offset: number }) => {
    const [rows, [count]] = await Promise.all([
      selectRows<ListedRunItem>(client, { name: `${TABLE}.page`, sql: newestPerItem(true), params: { ...paramsOf(run), ...page } }),
      selectRows<{ items: number | string }>(client, {
        name: `${TABLE}.count-items`,
        sql: `SELECT uniqExact(dataset_item_id) AS items FROM ${TABLE} WHERE ${OF_RUN}`,
        params: paramsOf(run),
      }),
    ]);
    return { rows, total: Number(count?.items ?? 0) };
  },

  /** Every item of the run, one per dataset item, newest first. */
  all: (client: ClickHouseClient, run: RunIncarnation) => selectRows<ListedRunItem>(client, { name: `${TABLE}.all`, sql: newestPerItem(false), params: paramsOf(run) }),

  /** The traces the run's items link, each once. */
  tracesOfRun: async (client: ClickHouseClient, run: RunIncarnation): Promise<string[]> => {
    const rows = await selectRows<{ trace_id: string }>(client, {
      name: `${TABLE}.traces-of-run`,
      sql: `SELECT DISTINCT trace_id FROM ${TABLE} WHERE ${OF_RUN}`,
      params: paramsOf(run),
    });
    return rows.map((row) => row.trace_id);
  },

  /** Deletes the rows of one incarnation of a run. */
  deleteOfRun: (deletes: RowDeletes, run: RunIncarnation) => deletes.delete(`${TABLE}.delete-of-run`, TABLE, OF_RUN, paramsOf(run)),

  /** Deletes one row, written for a run that was deleted while it was being written. */
  deleteOne: (deletes: RowDeletes, run: RunIncarnation, id: string) => deletes.delete(`${TABLE}.delete-one`, TABLE, `${OF_RUN} AND id = {id:String}`, { ...paramsOf(run), id }),
};
