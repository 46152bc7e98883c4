import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateClickHouse, openClickHouse, type ClickHouseStore } from "../../packages/clickhouse/src/index.ts";

/**
 * A migrated chDB of the benchmark process's own, for measuring raw insert rates beside a Wick
 * server (which holds its own data directory in its own process); removed afterwards.
 */
export async function withScratchClickHouse<T>(name: string, work: (store: ClickHouseStore) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `wick-bench-${name}-raw-`));
  const store = await openClickHouse({ kind: "embedded", dataDir: dir });
  try {
    await migrateClickHouse(store.client);
    return await work(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
