import type { ClickHouseClient, ClickHouseSettings } from "@clickhouse/client";
import { ClickHouseQueryError } from "./query-error.ts";

/**
 * A statement and the short name (`<table>.<purpose>`) it is known by. The name travels as the
 * `log_comment` setting, which both a server (in `system.query_log`) and chDB (which has no query
 * log and ignores the client's `query_id`) receive, and it heads the error of a failed statement.
 */
export interface Statement {
  name: string;
  sql: string;
  params?: Record<string, unknown>;
  /**
   * chDB applies settings with `SET` on its one session, so they outlive the statement: give only
   * settings every statement that uses them sets alike (as `log_comment` is), others in the SQL.
   */
  settings?: ClickHouseSettings;
}

const settingsOf = (statement: Pick<Statement, "name" | "settings">): ClickHouseSettings => ({ ...statement.settings, log_comment: statement.name });

async function named<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new ClickHouseQueryError(name, error);
  }
}

/**
 * The rows of a SELECT, as `JSONEachRow` would give them: one object per row, keyed by column.
 * They travel as `JSONCompactEachRowWithNames` (the names once, then one array per row) and are
 * keyed here: writing each row's keys tripled a wide result, and chDB hands over a result at
 * about 50 MB/s (a trace of 20,000 observations: 29 MB in 430–950 ms, against 10 MB in 130–200).
 */
export function selectRows<Row>(client: ClickHouseClient, statement: Statement): Promise<Row[]> {
  return named(statement.name, async () => {
    const result = await client.query({
      query: statement.sql,
      query_params: statement.params,
      clickhouse_settings: settingsOf(statement),
      format: "JSONCompactEachRowWithNames",
    });
    const [names, ...rows] = await result.json<unknown[]>();
    return names ? keyedRows<Row>(names as string[], rows as unknown[][]) : [];
  });
}

/**
 * The rows' values under their column names (a name given twice keeps its last value, as JSON.parse
 * keeps of a `JSONEachRow` row). Each row starts as a copy of one object holding every name, so all
 * rows share its shape: adding the names one by one took six times as long (240 ms for 20,000 rows
 * of 50 columns, against 40).
 */
function keyedRows<Row>(names: readonly string[], rows: readonly (readonly unknown[])[]): Row[] {
  const shape: Record<string, unknown> = Object.fromEntries(names.map((name) => [name, null]));
  return rows.map((values) => {
    const row = { ...shape };
    for (let i = 0; i < names.length; i += 1) row[names[i]!] = values[i];
    return row as Row;
  });
}

/** The whole output of a statement whose SQL names its own binary format (`FORMAT RowBinary`). */
export function selectBytes(client: ClickHouseClient, statement: Statement): Promise<Buffer> {
  return named(statement.name, async () => {
    const result = await client.exec({ query: statement.sql, query_params: statement.params, clickhouse_settings: settingsOf(statement) });
    const chunks: Buffer[] = [];
    for await (const chunk of result.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  });
}

/** A statement without a result (DDL, DELETE, ALTER). */
export function runCommand(client: ClickHouseClient, statement: Statement): Promise<void> {
  return named(statement.name, async () => {
    await client.command({ query: statement.sql, query_params: statement.params, clickhouse_settings: settingsOf(statement) });
  });
}

/**
 * Inserts rows given as objects keyed by column; nothing is sent for none. They travel as arrays
 * (`JSONCompactEachRow`) under one column list: ClickHouse parsed the same rows keyed by name at half
 * the rate (observation rows, 51 columns, 6–11 k rows/s against 12–21 k), and the names doubled
 * what JSON.stringify wrote. A column some rows leave out gets null on those, which ClickHouse
 * turns into the column's DEFAULT as it does for an omitted key, on every column that is not
 * Nullable (set here, since a server's profile may turn it off); no Nullable column has a DEFAULT
 * of its own, so there null and omitted agree too.
 */
export async function insertRows(client: ClickHouseClient, name: string, table: string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = new Set<string>();
  for (const row of rows) for (const column of Object.keys(row)) columns.add(column);
  const names = [...columns];
  const values = rows.map((row) => names.map((column) => (row as Record<string, unknown>)[column] ?? null));
  // The client writes the column list into the statement as given.
  const quoted = names.map((column) => `\`${column.replaceAll("\\", "\\\\").replaceAll("`", "\\`")}\``);
  await named(name, async () => {
    await client.insert({
      table,
      values,
      columns: quoted as [string, ...string[]],
      format: "JSONCompactEachRow",
      clickhouse_settings: settingsOf({ name, settings: { input_format_null_as_default: 1 } }),
    });
  });
}
