import { mkdir } from "node:fs/promises";
import { createClient, type ClickHouseClient } from "@clickhouse/client";
import { createChdbConnection } from "chdb/connection";
import { lockHolder } from "./data-dir-lock.ts";

export type ClickHouseTarget =
  /** A ClickHouse server over HTTP. */
  | { kind: "server"; url: string; username?: string; password?: string; database?: string }
  /** chDB in this process, with its data under `dataDir`. */
  | { kind: "embedded"; dataDir: string };

export interface ClickHouseStore {
  readonly kind: ClickHouseTarget["kind"];
  readonly client: ClickHouseClient;
  /** The database the tables live in; every statement names it through the client's default. */
  readonly database: string;
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

type ClickHouseConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>["connection"]>;

// chDB binds one data directory per process: every store opened on the same directory in this
// process shares one client, and it is closed when the last store using it closes.
const embedded = new Map<string, { client: ClickHouseClient; users: number }>();

export async function openClickHouse(target: ClickHouseTarget): Promise<ClickHouseStore> {
  return target.kind === "server" ? openServer(target) : openEmbedded(target.dataDir);
}

async function ping(client: ClickHouseClient, timeoutMs: number): Promise<void> {
  const result = await client.ping({ select: true, abort_signal: AbortSignal.timeout(timeoutMs) });
  if (!result.success) throw result.error;
}

async function openServer(target: Extract<ClickHouseTarget, { kind: "server" }>): Promise<ClickHouseStore> {
  const database = target.database ?? "default";
  const client = createClient({
    url: target.url,
    username: target.username ?? "default",
    password: target.password ?? "",
    database,
    request_timeout: 60_000,
    clickhouse_settings: { date_time_input_format: "best_effort" },
  });
  return {
    kind: "server",
    client,
    database,
    ping: (timeoutMs = 2_000) => ping(client, timeoutMs),
    close: () => client.close(),
  };
}

function connectChdb(dataDir: string): ClickHouseConnection {
  try {
    // chdb types its connection against its own copy of @clickhouse/client-common, which differs
    // from the client's only in declaration identity.
    return createChdbConnection({ path: dataDir }) as unknown as ClickHouseConnection;
  } catch (error) {
    throw lockHolder(dataDir) ?? error;
  }
}

async function openEmbedded(dataDir: string): Promise<ClickHouseStore> {
  let entry = embedded.get(dataDir);
  if (!entry) {
    if (embedded.size > 0) {
      throw new Error(`chDB is already open on ${[...embedded.keys()][0]} in this process; it cannot open a second data directory (${dataDir})`);
    }
    await mkdir(dataDir, { recursive: true });
    const client = createClient({
      connection: connectChdb(dataDir),
      clickhouse_settings: { date_time_input_format: "best_effort" },
    });
    entry = { client, users: 0 };
    embedded.set(dataDir, entry);
  }
  entry.users += 1;
  const shared = entry;
  let closed = false;
  return {
    kind: "embedded",
    client: shared.client,
    database: "default",
    ping: (timeoutMs = 2_000) => ping(shared.client, timeoutMs),
    close: async () => {
      if (closed) return;
      closed = true;
      shared.users -= 1;
      if (shared.users === 0) {
        embedded.delete(dataDir);
        await shared.client.close();
      }
    },
  };
}
