import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
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

/** A server connection outside the pool, for session state that must outlive a query, such as LISTEN. */
export interface DedicatedConnection {
  execute: Execute;
  /** Calls `handler` for every notification this session receives, in the order Postgres sends them. */
  onNotification(handler: (notification: { channel: string; payload: string; senderPid: number }) => void): void;
  /** Calls `handler` once, when the connection ends for any reason (error, server gone, `close`). */
  onEnd(handler: () => void): void;
  close(): Promise<void>;
}

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
  /**
   * Server only: opens a connection of its own, named `applicationName` in `pg_stat_activity`,
   * which `close` ends. Resolves to undefined once the store is closed, so callers stop retrying.
   */
  openDedicated?(applicationName: string): Promise<DedicatedConnection | undefined>;
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
  const dedicated = new Set<pg.Client>();
  let closed = false;
  const openDedicated = async (applicationName: string): Promise<DedicatedConnection | undefined> => {
    if (closed) return undefined;
    const client = new pg.Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 5_000 });
    const ended: Array<() => void> = [];
    let isEnded = false;
    const end = () => {
      if (isEnded) return;
      isEnded = true;
      dedicated.delete(client);
      for (const handler of ended) handler();
    };
    // A lost connection is reported through onEnd; unhandled, the error would crash the process.
    client.on("error", () => {
      end();
      client.end().catch(() => {});
    });
    client.on("end", end);
    dedicated.add(client);
    try {
      await client.connect();
      if (closed) throw new Error("The Postgres store is closed");
      return {
        execute: async (sqlText, params = []) => (await client.query(sqlText, params)).rows,
        onNotification: (handler) => {
          client.on("notification", (message) => handler({ channel: message.channel, payload: message.payload ?? "", senderPid: message.processId }));
        },
        onEnd: (handler) => {
          if (isEnded) handler();
          else ended.push(handler);
        },
        close: async () => {
          end();
          await client.end().catch(() => {});
        },
      };
    } catch (error) {
      end();
      await client.end().catch(() => {});
      if (closed) return undefined;
      throw error;
    }
  };
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
    openDedicated,
    close: async () => {
      closed = true;
      await Promise.all([...dedicated].map((client) => client.end().catch(() => {})));
      if (!pool.ended) await pool.end();
    },
  };
}

/**
 * Creates the cluster in `dataDir` with an instance of its own, closed at once. The instance that
 * runs initdb keeps the memory initdb grew to: a process that created a cluster and went on serving
 * it held about 850 MB, one that reopened it about 500, and a new server idled at 1,150 MB instead
 * of 790 (`pnpm bench startup`).
 */
async function createCluster(dataDir: string): Promise<void> {
  const creator = await PGlite.create({ dataDir });
  await creator.close();
}

async function openEmbedded(target: { dataDir?: string; loadDataDir?: Blob }): Promise<PostgresStore> {
  if (target.dataDir) {
    await mkdir(target.dataDir, { recursive: true });
    if (!target.loadDataDir && !existsSync(join(target.dataDir, "PG_VERSION"))) await createCluster(target.dataDir);
  }
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
