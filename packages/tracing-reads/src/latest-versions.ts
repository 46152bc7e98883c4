import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows } from "@wick/clickhouse";

/** Tables whose rows are versions of an entity; versions of one entity share the sort key. */
const TIME_COLUMN = { traces: "timestamp", observations: "start_time", scores: "timestamp" } as const;

export type VersionedTable = keyof typeof TIME_COLUMN;

/**
 * Drops rows that are not their entity's newest version. A scan without FINAL (which would cost it
 * its read-in-order speed) keeps the first version of each id; a version superseded by one that no
 * longer matches the filters can still slip through until ClickHouse merges the parts, and this
 * check removes it. The lookup goes by sort key, so it costs a few granules whatever the table size.
 */
export async function keepLatestVersions<Row extends { id: string; merge_version: number | string }>(
  client: ClickHouseClient,
  table: VersionedTable,
  projectId: string,
  rows: Row[],
): Promise<Row[]> {
  if (rows.length === 0) return rows;
  const time = TIME_COLUMN[table];
  const newest = await selectRows<{ id: string; latest: number | string }>(client, {
    name: `${table}.newest-versions`,
    sql: `SELECT id, max(merge_version) AS latest FROM ${table}
            WHERE project_id = {projectId:String} AND ${time} IN {times:Array(DateTime64(3, 'UTC'))} AND id IN {ids:Array(String)}
            GROUP BY id`,
    params: { projectId, times: [...new Set(rows.map((row) => (row as unknown as Record<string, string>)[time]))], ids: rows.map((row) => row.id) },
  });
  const latest = new Map(newest.map((row) => [row.id, Number(row.latest)]));
  return rows.filter((row) => Number(row.merge_version) >= (latest.get(row.id) ?? 0));
}
