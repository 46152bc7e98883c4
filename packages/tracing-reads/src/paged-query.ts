import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows, type Where } from "@wick/clickhouse";

interface PageOptions {
  where: Where;
  /** Fixed SQL text chosen by the caller from an allow-list. */
  orderBy: string;
  page: number;
  limit: number;
}

/**
 * A page of `table FINAL` (each entity's newest version, filtered after merging, so a superseded
 * version can never match) with the total of the whole result.
 */
export async function finalPage<Row>(client: ClickHouseClient, table: string, { where, orderBy, page, limit }: PageOptions): Promise<{ rows: Row[]; totalItems: number }> {
  const [rows, count] = await Promise.all([
    selectRows<Row>(client, {
      name: `${table}.page`,
      sql: `SELECT * FROM ${table} FINAL WHERE ${where} ORDER BY ${orderBy} LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
      params: { ...where.params, limit, offset: (page - 1) * limit },
    }),
    selectRows<{ n: number | string }>(client, { name: `${table}.page-total`, sql: `SELECT count() AS n FROM ${table} FINAL WHERE ${where}`, params: where.params }),
  ]);
  return { rows, totalItems: Number(count[0]?.n ?? 0) };
}
