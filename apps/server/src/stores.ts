import { existsSync } from "node:fs";
import { join } from "node:path";
import { lockHolder, migrateClickHouse, openClickHouse, type ClickHouseStore } from "@wick/clickhouse";
import { migratePostgres, openPostgres, type PostgresStore } from "@wick/postgres";
import type { Config } from "./config.ts";

export interface Stores {
  postgres: PostgresStore;
  clickhouse: ClickHouseStore;
}

export interface StoreLog {
  info(message: string): void;
}

/**
 * Opens both stores and brings their schemas up to date. A second Wick on the same `DATA_DIR` is
 * stopped before it touches the embedded Postgres, which has no lock of its own: chDB's lock is
 * checked first. Postgres then opens before chDB, whose start-up merges (many small parts after a
 * crash) would otherwise compete with PGlite's for the cores and double the start time.
 */
export async function openStores(config: Pick<Config, "postgres" | "clickhouse">, log: StoreLog): Promise<Stores> {
  const ch = config.clickhouse;
  if (ch.kind === "embedded") {
    const holder = lockHolder(ch.dataDir);
    if (holder) throw holder;
  }
  const postgres = await openPostgresStore(config.postgres, log);
  try {
    log.info(ch.kind === "server" ? "Connecting to ClickHouse" : `Opening embedded ClickHouse (chDB) in ${ch.dataDir}`);
    const clickhouse = await openClickHouse(ch);
    try {
      const ran = await migrateClickHouse(clickhouse.client, { cluster: ch.kind === "server" ? ch.cluster : undefined });
      if (ran.length > 0) log.info(`Applied ClickHouse migrations: ${ran.join(", ")}`);
      return { postgres, clickhouse };
    } catch (error) {
      await clickhouse.close();
      throw error;
    }
  } catch (error) {
    await postgres.close();
    throw error;
  }
}

async function openPostgresStore(pg: Config["postgres"], log: StoreLog): Promise<PostgresStore> {
  if (pg.kind === "server") log.info("Connecting to Postgres");
  else if (existsSync(join(pg.dataDir, "PG_VERSION"))) log.info(`Opening embedded Postgres in ${pg.dataDir}`);
  else log.info(`Creating embedded Postgres in ${pg.dataDir} (once; this takes several seconds)`);
  const postgres = await openPostgres(pg);
  try {
    await migratePostgres(postgres);
    return postgres;
  } catch (error) {
    await postgres.close();
    throw error;
  }
}

export async function closeStores(stores: Stores): Promise<void> {
  await Promise.allSettled([stores.clickhouse.close(), stores.postgres.close()]);
}
