import { MergedTable, observations, scores, traces } from "@wick/clickhouse";

/** The tables an export writes, as the reference names them in object keys and manifests. */
export type ExportTable = "traces" | "observations" | "scores";

interface TableExport {
  table: MergedTable;
  /**
   * The columns written: the stored row as the reference's export writes it (snake_case, as in
   * ClickHouse), less Wick's bookkeeping (how many events a version was folded from, which key sent it).
   */
  columns: string;
}

export const EXPORT_TABLES: Record<ExportTable, TableExport> = {
  traces: { table: traces, columns: "* EXCEPT (merge_version)" },
  observations: { table: observations, columns: "* EXCEPT (merge_version, ingestion_public_key)" },
  scores: { table: scores, columns: "* EXCEPT (merge_version, ingestion_public_key)" },
};

/**
 * The current rows of one project's table whose time lies in [from, to): windows that follow each
 * other export each row once. FINAL keeps only each entity's current version.
 */
export function windowQuery(name: ExportTable): string {
  const { table, columns } = EXPORT_TABLES[name];
  return `SELECT ${columns} FROM ${table.final()}
          WHERE project_id = {projectId:String}
            AND ${table.time} >= {from:DateTime64(3, 'UTC')} AND ${table.time} < {to:DateTime64(3, 'UTC')}
          ORDER BY ${table.keyOrder("ASC")}
          SETTINGS ${MergedTable.FINAL_SETTINGS}
          FORMAT JSONEachRow`;
}
