import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type PostgresTarget =
  /** A Postgres server reached with node-postgres. */
  | { kind: "server"; url: string; poolSize?: number }
  /** PGlite in this process; `dataDir` undefined means in memory. */
  | { kind: "embedded"; dataDir?: string; loadDataDir?: Blob };

type Execute = (sqlText: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface PostgresStore {
  readonly kind: PostgresTarget["kind"];
  readonly db: Database;
  /** Runs raw SQL (migrations, health checks, advisory locks). */
  execute: Execute;
  /**
   * Runs `fn` on one connection held for its whole duration, so that session state such as an
   * advisory lock belongs to the work done inside it.
   */
  withConnection<T>(fn: (db: Database, execute: Execute) => Promise<T>): Promise<T>;
  /** Resolves when the database answers; rejects when it does not within the timeout. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  /** PGlite only: the whole data directory as a tarball, used to copy a migrated template in tests. */
  dumpDataDir?(): Promise<Blob>;
}

export async function openPostgres(target: PostgresTarget): Promise<PostgresStore> {
  return target.kind === "server" ? openServer(target.url, target.poolSize) : openEmbedded(target);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function openServer(url: string, poolSize = 10): Promise<PostgresStore> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // A database that is down must turn into a 503, never a request that hangs.
    connectionTimeoutMillis: 5_000,
    query_timeout: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Database;
  const execute = async (sqlText: string, params: unknown[] = []) => (await pool.query(sqlText, params)).rows;
  return {
    kind: "server",
    db,
    execute,
    withConnection: async (fn) => {
      const client = await pool.connect();
      try {
        const dedicated = drizzlePg(client, { schema }) as unknown as Database;
        return await fn(dedicated, async (sqlText, params = []) => (await client.query(sqlText, params)).rows);
      } finally {
        client.release();
      }
    },
    ping: async (timeoutMs = 2_000) => {
      await withTimeout(pool.query("SELECT 1"), timeoutMs, "Postgres");
    },
    close: async () => {
      if (!pool.ended) await pool.end();
    },
  };
}

async function openEmbedded(target: { dataDir?: string; loadDataDir?: Blob }): Promise<PostgresStore> {
  if (target.dataDir) await mkdir(target.dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir: target.dataDir, loadDataDir: target.loadDataDir });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  let closed = false;
  const execute = async (sqlText: string, params: unknown[] = []) => {
    if (closed) throw new Error("The embedded Postgres store is closed");
    return (await client.query<Record<string, unknown>>(sqlText, params)).rows;
  };
  return {
    kind: "embedded",
    db,
    execute,
    withConnection: (fn) => fn(db, execute),
    ping: async (timeoutMs = 2_000) => {
      await withTimeout(execute("SELECT 1"), timeoutMs, "Postgres");
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await client.close();
    },
    dumpDataDir: async () => client.dumpDataDir("none") as Promise<Blob>,
  };
}
