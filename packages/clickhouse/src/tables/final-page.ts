import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows } from "../query/statements.ts";
import type { Where } from "../query/where.ts";

interface PageOptions {
  where: Where;
  /** Fixed SQL text chosen by the caller from an allow-list. */
  orderBy: string;
  page: number;
  limit: number;
}

/**
 * A page of the table's current rows, read FINAL so that conditions apply after versions collapse
 * and a superseded version never matches, with the total of the whole result.
 */
export async function finalPage<Row>(
  client: ClickHouseClient,
  table: { name: string; final(): string },
  { where, orderBy, page, limit }: PageOptions,
): Promise<{ rows: Row[]; totalItems: number }> {
  const [rows, count] = await Promise.all([
    selectRows<Row>(client, {
      name: `${table.name}.page`,
      sql: `SELECT * FROM ${table.final()} WHERE ${where} ORDER BY ${orderBy} LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
      params: { ...where.params, limit, offset: (page - 1) * limit },
    }),
    selectRows<{ n: number | string }>(client, { name: `${table.name}.page-total`, sql: `SELECT count() AS n FROM ${table.final()} WHERE ${where}`, params: where.params }),
  ]);
  return { rows, totalItems: Number(count[0]?.n ?? 0) };
}
