/**
 * What every merged row carries (migrations/clickhouse/0001_tracing.sql), in the column names and
 * JSON shapes `JSONEachRow` takes.
 */
export interface MergeMeta {
  project_id: string;
  id: string;
  created_at: string;
  updated_at: string;
  /** How many distinct events the row was folded from: see `MergedTable` for what it decides. */
  merge_version: number;
}

/** A row as `JSONEachRow` returns it: 64-bit integers and decimals may arrive as strings. */
export type AsRead<Row> = {
  [Column in keyof Row]: Row[Column] extends number
    ? number | string
    : Row[Column] extends number | null
      ? number | string | null
      : Row[Column] extends Record<string, number>
        ? Record<string, number | string>
        : Row[Column];
};
