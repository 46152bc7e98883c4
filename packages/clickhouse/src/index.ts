export { openClickHouse, type ClickHouseStore, type ClickHouseTarget } from "./connect.ts";
export { DataDirectoryLockedError, lockHolder } from "./data-dir-lock.ts";
export { migrateClickHouse, clusterize, splitStatements, CLICKHOUSE_MIGRATIONS_DIR } from "./migrate.ts";
export type { AsRead, MergeMeta, ObservationRow, ScoreRow, SessionRow, StoredObservation, StoredScore, StoredTrace, TraceRow } from "./tables.ts";
export { RowDeletes, type DeletableTable, type RowDeletesOptions } from "./row-deletes.ts";
export { float64ArrayParam, float64Param } from "./float-params.ts";
