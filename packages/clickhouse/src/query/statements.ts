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

/** The rows of a SELECT, as `JSONEachRow` objects. */
export function selectRows<Row>(client: ClickHouseClient, statement: Statement): Promise<Row[]> {
  return named(statement.name, async () => {
    const result = await client.query({ query: statement.sql, query_params: statement.params, clickhouse_settings: settingsOf(statement), format: "JSONEachRow" });
    return result.json<Row>();
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

/** Inserts rows given as `JSONEachRow` objects; nothing is sent for none. */
export async function insertRows(client: ClickHouseClient, name: string, table: string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  await named(name, async () => {
    await client.insert({ table, values: rows as object[], format: "JSONEachRow", clickhouse_settings: settingsOf({ name }) });
  });
}
