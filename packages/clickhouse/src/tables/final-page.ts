import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows } from "../query/statements.ts";
import type { Where } from "../query/where.ts";
import { type BoundCondition, MergedTable } from "./merged-table.ts";

interface PageOptions {
  where: Where;
  /** Fixed SQL text chosen by the caller from an allow-list. */
  orderBy: string;
  page: number;
  limit: number;
  /**
   * A scalar expression equal to the number of current rows matching `where`, cheaper than
   * counting them FINAL (which reads every matching row); that count when not given.
   */
  total?: BoundCondition;
}

/**
 * How deep, in rows read without FINAL, the newest-first window reaches for a page that needs
 * `needed` current rows: superseded versions not merged yet take room, so twice the need covers
 * a table in steady state, and the second try a burst of updates.
 */
const WINDOW_DEPTHS = [2, 32] as const;

/**
 * A page of the table's current rows, read FINAL so that conditions apply after versions collapse
 * and a superseded version never matches, with the total of the whole result. The page and its
 * total come from one statement; the total is counted apart only when the page is empty.
 */
export async function finalPage<Row>(
  client: ClickHouseClient,
  table: { name: string; final(): string },
  { where, orderBy, page, limit, total: given }: PageOptions,
): Promise<{ rows: Row[]; totalItems: number }> {
  const totalExpression = given ?? { sql: `(SELECT count() FROM ${table.final()} WHERE ${where})`, params: {} };
  const count = () => countOf(client, table, where, totalExpression);
  const offset = (page - 1) * limit;
  const windowed = table instanceof MergedTable && orderBy.startsWith(`${table.time} DESC`);
  let counted: number | undefined;
  for (const factor of windowed ? WINDOW_DEPTHS : []) {
    const window = newestRowsWindow(table as MergedTable, where, (offset + limit) * factor);
    const { rows, total } = await pageWithTotal<Row>(client, table, { where, orderBy, offset, limit, window, total: totalExpression });
    // The window holds every current row that sorts before its edge, so its page is the true one
    // when it is full or ends the result; an empty one is true when the result ends before it.
    if (total !== undefined && (rows.length === limit || offset + rows.length === total)) return { rows, totalItems: total };
    counted ??= total ?? (await count());
    if (rows.length === 0 && counted <= offset) return { rows, totalItems: counted };
  }
  const { rows, total } = await pageWithTotal<Row>(client, table, { where, orderBy, offset, limit, total: totalExpression });
  return { rows, totalItems: total ?? counted ?? (await count()) };
}

/**
 * The SETTINGS clause of a FINAL read of `table`. The versions of a merged entity share a
 * partition, so FINAL need not merge across partitions; when it does, a project with rows in
 * several months merges all of them as one (a page of traces took 40 ms instead of 10 at 10 M).
 */
const finalSettings = (table: { name: string }) => (table instanceof MergedTable ? ` SETTINGS ${MergedTable.FINAL_SETTINGS}` : "");

/** How many current rows of the table match `where`. */
export async function finalCount(client: ClickHouseClient, table: { name: string; final(): string }, where: Where): Promise<number> {
  const [count] = await selectRows<{ n: number | string }>(client, {
    name: `${table.name}.page-total`,
    sql: `SELECT count() AS n FROM ${table.final()} WHERE ${where}${finalSettings(table)}`,
    params: where.params,
  });
  return Number(count?.n ?? 0);
}

/** The value of a total expression (see `PageOptions.total`), counted apart from a page. */
async function countOf(client: ClickHouseClient, table: { name: string }, where: Where, total: BoundCondition): Promise<number> {
  const [count] = await selectRows<{ n: number | string }>(client, {
    name: `${table.name}.page-total`,
    sql: `SELECT ${total.sql} AS n${finalSettings(table)}`,
    params: { ...where.params, ...total.params },
  });
  return Number(count?.n ?? 0);
}

/** The column that carries the total of the whole result on each row of a page. */
const TOTAL = "wick_page_total";

/**
 * A page read FINAL, and on its rows the total of the whole result: a scalar subquery, which
 * spares a statement of its own (chDB runs one at a time, at a few milliseconds each). Without a
 * row there is no total.
 */
async function pageWithTotal<Row>(
  client: ClickHouseClient,
  table: { name: string; final(): string },
  q: { where: Where; orderBy: string; offset: number; limit: number; window?: BoundCondition; total: BoundCondition },
): Promise<{ rows: Row[]; total?: number }> {
  const total = q.total.sql;
  const found = await selectRows<Row & { [TOTAL]: number | string }>(client, {
    name: `${table.name}.page`,
    sql: `SELECT *, ${total} AS ${TOTAL} FROM ${table.final()} WHERE ${q.where}${q.window ? ` AND ${q.window.sql}` : ""}
          ORDER BY ${q.orderBy} LIMIT {limit:UInt32} OFFSET {offset:UInt64}${finalSettings(table)}`,
    params: { ...q.where.params, ...q.window?.params, ...q.total.params, limit: q.limit, offset: q.offset },
  });
  const first = found[0];
  const rows = found.map(({ [TOTAL]: _, ...row }) => row as Row);
  return first ? { rows, total: Number(first[TOTAL]) } : { rows };
}

/**
 * The newest rows of a newest-first read, as a condition: FINAL cannot stop early in a read in key
 * order, so over the whole project it reads every row (160 ms for 10 M traces, where the page
 * itself takes 8). A read without FINAL, which does stop early, finds the time of the `depth`-th
 * newest row matching `where` (or of the oldest, when fewer match); every row of the window sorts
 * before every row outside it, so the FINAL page over it is the true page as far as it reaches.
 */
function newestRowsWindow(table: MergedTable, where: Where, depth: number): BoundCondition {
  return {
    sql: `${table.time} >= (SELECT min(${table.time}) FROM (SELECT ${table.time} FROM ${table.name} WHERE ${where} ORDER BY ${table.time} DESC LIMIT {depth:UInt64}))`,
    params: { depth },
  };
}
