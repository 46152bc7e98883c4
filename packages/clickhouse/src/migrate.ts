import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClickHouseClient } from "@clickhouse/client";
import { insertRows, runCommand, selectRows } from "./query/statements.ts";

export const CLICKHOUSE_MIGRATIONS_DIR = fileURLToPath(new URL("../../../migrations/clickhouse", import.meta.url));

export interface ClickHouseMigrationOptions {
  dir?: string;
  /** Cluster name: create replicated tables on every node of this cluster. */
  cluster?: string;
}

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits a migration file into statements: ClickHouse runs one statement per request. */
export function splitStatements(sqlText: string): string[] {
  return sqlText
    .split(/;\s*(?:\r?\n|$)/)
    .map((statement) =>
      statement
        .split(/\r?\n/)
        .filter((line) => !line.trimStart().startsWith("--"))
        .join("\n")
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}

/**
 * Rewrites a single-node statement for a cluster: DDL runs `ON CLUSTER`, and MergeTree-family
 * engines become their Replicated variants (replica paths come from the server's macros).
 */
export function clusterize(statement: string, cluster: string): string {
  if (!IDENTIFIER.test(cluster)) throw new Error(`invalid ClickHouse cluster name: ${cluster}`);
  return statement
    .replace(/^(\s*(?:CREATE\s+(?:TABLE|MATERIALIZED\s+VIEW|VIEW)(?:\s+IF\s+NOT\s+EXISTS)?|ALTER\s+TABLE|DROP\s+TABLE(?:\s+IF\s+EXISTS)?)\s+[\w.`]+)/i, `$1 ON CLUSTER ${cluster}`)
    .replace(/ENGINE\s*=\s*(\w*)MergeTree\b/g, (_, family: string) => `ENGINE = Replicated${family}MergeTree`);
}

async function appliedVersions(client: ClickHouseClient): Promise<Set<string>> {
  const rows = await selectRows<{ version: string }>(client, { name: "schema_migrations.applied", sql: "SELECT DISTINCT version FROM schema_migrations" });
  return new Set(rows.map((row) => row.version));
}

/**
 * Applies the `NNNN_name.sql` files in order, each once. Statements are written with
 * `IF NOT EXISTS` so that a run interrupted half-way, or two instances starting together,
 * converge on the same schema.
 */
export async function migrateClickHouse(client: ClickHouseClient, options: ClickHouseMigrationOptions = {}): Promise<string[]> {
  const dir = options.dir ?? CLICKHOUSE_MIGRATIONS_DIR;
  const prepare = (statement: string) => (options.cluster ? clusterize(statement, options.cluster) : statement);

  await runCommand(client, {
    name: "schema_migrations.create",
    sql: prepare("CREATE TABLE IF NOT EXISTS schema_migrations (version String, applied_at DateTime64(3) DEFAULT now64(3)) ENGINE = MergeTree ORDER BY version"),
  });
  const applied = await appliedVersions(client);
  const files = (await readdir(dir)).filter((name) => MIGRATION_FILE.test(name)).sort();
  const ran: string[] = [];
  for (const file of files) {
    const version = file.replace(/\.sql$/, "");
    if (applied.has(version)) continue;
    for (const statement of splitStatements(await readFile(join(dir, file), "utf8"))) {
      await runCommand(client, { name: `migration.${version}`, sql: prepare(statement) });
    }
    await insertRows(client, "schema_migrations.record", "schema_migrations", [{ version }]);
    ran.push(version);
  }
  return ran;
}
