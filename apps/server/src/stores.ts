import { migrateClickHouse, openClickHouse, type ClickHouseStore } from "@wick/clickhouse";
import { migratePostgres, openPostgres, type PostgresStore } from "@wick/postgres";
import type { Config } from "./config.ts";

export interface Stores {
  postgres: PostgresStore;
  clickhouse: ClickHouseStore;
}

export interface StoreLog {
  info(message: string): void;
}

/** Opens both stores and brings their schemas up to date. */
export async function openStores(config: Pick<Config, "postgres" | "clickhouse">, log: StoreLog): Promise<Stores> {
  const pg = config.postgres;
  log.info(
    pg.kind === "server"
      ? "Connecting to Postgres"
      : `Opening embedded Postgres in ${pg.dataDir} (the first start initializes it, which takes several seconds)`,
  );
  const postgres = await openPostgres(pg);
  try {
    await migratePostgres(postgres);
    log.info(config.clickhouse.kind === "server" ? "Connecting to ClickHouse" : `Opening embedded ClickHouse (chDB) in ${config.clickhouse.dataDir}`);
    const clickhouse = await openClickHouse(config.clickhouse);
    try {
      const ran = await migrateClickHouse(clickhouse.client, {
        cluster: config.clickhouse.kind === "server" ? config.clickhouse.cluster : undefined,
      });
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

export async function closeStores(stores: Stores): Promise<void> {
  await Promise.allSettled([stores.clickhouse.close(), stores.postgres.close()]);
}
