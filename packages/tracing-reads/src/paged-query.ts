import type { ClickHouseClient } from "@clickhouse/client";
import type { Where } from "./where.ts";

/**
 * One page of `SELECT * FROM <table> FINAL` (one row per entity) with the total of the whole
 * result, counted in the same query. Only `table` and `orderBy` are SQL text, and callers pass
 * fixed strings for them.
 */
export async function pagedQuery<Row>(
  client: ClickHouseClient,
  options: { table: string; where: Where; orderBy: string; page: number; limit: number },
): Promise<{ rows: Row[]; totalItems: number }> {
  const { table, where, orderBy, page, limit } = options;
  const result = await client.query({
    query: `
      SELECT *, count() OVER () AS total_items
      FROM ${table} FINAL
      WHERE ${where}
      ORDER BY ${orderBy}
      LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
    query_params: { ...where.params, limit, offset: (page - 1) * limit },
    format: "JSONEachRow",
  });
  const rows = await result.json<Row & { total_items: number | string }>();
  if (rows.length > 0 || page === 1) return { rows, totalItems: rows.length > 0 ? Number(rows[0]!.total_items) : 0 };
  // A page past the end has no row to carry the total.
  const count = await client.query({ query: `SELECT count() AS n FROM ${table} FINAL WHERE ${where}`, query_params: where.params, format: "JSONEachRow" });
  return { rows, totalItems: Number((await count.json<{ n: number | string }>())[0]?.n ?? 0) };
}
