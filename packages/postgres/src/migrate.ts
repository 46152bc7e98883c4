import { fileURLToPath } from "node:url";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import type { PostgresStore } from "./connect.ts";

export const POSTGRES_MIGRATIONS_DIR = fileURLToPath(new URL("../../../migrations/postgres", import.meta.url));

// Any fixed 64-bit number works; it only has to be the same for every Wick instance.
const MIGRATION_LOCK_ID = 7_316_402_118;

/**
 * Applies the drizzle-kit migrations that have not run yet. On a Postgres server, several Wick
 * instances may start at once, so they take turns behind an advisory lock.
 */
export async function migratePostgres(store: PostgresStore, migrationsFolder = POSTGRES_MIGRATIONS_DIR): Promise<void> {
  if (store.kind === "embedded") {
    await migratePglite(store.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  await store.withConnection(async (db, execute) => {
    await execute("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    try {
      await migratePg(db as unknown as NodePgDatabase, { migrationsFolder });
    } finally {
      await execute("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
    }
  });
}
