import { MergedTable, observations, scores, traces } from "@wick/clickhouse";
import { type FieldGroup, observationColumns, traceContextFields } from "./observation-fields.ts";

/**
 * The tables an export writes, as the reference names them in object keys and manifests. Its
 * `observations_v2` are observations enriched with their trace's context; Wick's observation rows
 * are already the span rows the v2 API reads, so both names write them.
 */
export type ExportTable = "traces" | "observations" | "observations_v2" | "scores";

interface TableExport {
  table: MergedTable;
  /**
   * The columns written, as the reference's export writes them (snake_case, as in ClickHouse):
   * observations by the chosen field groups; traces and scores whole, less Wick's bookkeeping (how
   * many events a version was folded from, which key sent it).
   */
  columns: (groups: readonly FieldGroup[] | undefined) => string;
}

export const EXPORT_TABLES: Record<ExportTable, TableExport> = {
  traces: { table: traces, columns: () => "* EXCEPT (merge_version)" },
  observations: { table: observations, columns: observationColumns },
  observations_v2: { table: observations, columns: observationColumns },
  scores: { table: scores, columns: () => "* EXCEPT (merge_version, ingestion_public_key)" },
};

/** How many rows one statement reads by default: embedded chDB hands a result over whole, so pages bound memory. */
export const PAGE_ROWS = 20_000;

/** The sort key of a table as the exported rows hold it, to start the next page after a row. */
export function keyAfter(name: ExportTable, row: Record<string, unknown>): Record<string, unknown> {
  const { table } = EXPORT_TABLES[name];
  return { afterTime: row[table.time], afterTrace: row.trace_id ?? "", afterId: row.id };
}

/**
 * A page of the current rows of one project's table whose time lies in [from, to), in key order,
 * after the row `keyAfter` names when it is bound: windows that follow each other export each row
 * once. FINAL keeps only each entity's current version.
 */
export function windowPageQuery(name: ExportTable, afterRow: boolean, groups?: readonly FieldGroup[]): string {
  const { table, columns } = EXPORT_TABLES[name];
  const key = `(${table.sortKey.join(", ")})`;
  const after = table.sortKey.map((column) =>
    column === table.time ? "{afterTime:DateTime64(3, 'UTC')}" : column === "id" ? "{afterId:String}" : "xxHash32({afterTrace:String})",
  );
  const page = `SELECT ${columns(groups)} FROM ${table.final()}
          WHERE project_id = {projectId:String}
            AND ${table.time} >= {from:DateTime64(3, 'UTC')} AND ${table.time} < {to:DateTime64(3, 'UTC')}
            ${afterRow ? `AND ${key} > (${after.join(", ")})` : ""}
          ORDER BY ${table.keyOrder("ASC")}
          LIMIT {pageRows:UInt32}`;
  const settings = `SETTINGS ${MergedTable.FINAL_SETTINGS}, join_use_nulls = 1 FORMAT JSONEachRow`;
  const context = name === "observations_v2" ? traceContextFields(groups) : [];
  if (context.length === 0) return `${page} ${settings}`;
  // The page's traces only, their current rows, joined onto the page in its (observations') key order.
  return `WITH page AS (${page})
          SELECT page.*, ${context.map(({ field, column }) => `trace.${column} AS ${field}`).join(", ")}
          FROM page
          LEFT JOIN (
            SELECT id, ${context.map(({ column }) => column).join(", ")} FROM ${traces.final()}
            WHERE project_id = {projectId:String} AND id IN (SELECT trace_id FROM page)
          ) AS trace ON trace.id = page.trace_id
          ORDER BY page.start_time, xxHash32(page.trace_id), page.id
          ${settings}`;
}
