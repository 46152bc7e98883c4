export { openClickHouse, type ClickHouseStore, type ClickHouseTarget } from "./connect.ts";
export { migrateClickHouse, clusterize, splitStatements, CLICKHOUSE_MIGRATIONS_DIR } from "./migrate.ts";
