import type { ClickHouseClient } from "@clickhouse/client";
import type { Where } from "@wick/clickhouse";

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
  const [result, count] = await Promise.all([
    client.query({
      query: `SELECT * FROM ${table} FINAL WHERE ${where} ORDER BY ${orderBy} LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
      query_params: { ...where.params, limit, offset: (page - 1) * limit },
      format: "JSONEachRow",
    }),
    client.query({ query: `SELECT count() AS n FROM ${table} FINAL WHERE ${where}`, query_params: where.params, format: "JSONEachRow" }),
  ]);
  return { rows: await result.json<Row>(), totalItems: Number((await count.json<{ n: number | string }>())[0]?.n ?? 0) };
}
