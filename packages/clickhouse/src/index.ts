export { openClickHouse, type ClickHouseStore, type ClickHouseTarget } from "./connect.ts";
export { DataDirectoryLockedError, lockHolder } from "./data-dir-lock.ts";
export { migrateClickHouse, clusterize, splitStatements, CLICKHOUSE_MIGRATIONS_DIR } from "./migrate.ts";
export type { AsRead, MergeMeta, ObservationRow, ScoreRow, SessionRow, StoredObservation, StoredScore, StoredTrace, TraceRow } from "./tables.ts";
export { RowDeletes, type DeletableTable, type RowDeletesOptions } from "./row-deletes.ts";
export { ParamBag } from "./query/params.ts";
export { IN_PROJECT, Where } from "./query/where.ts";
export { stringCondition, type StringOperator } from "./query/conditions.ts";
export { clickHouseInstant, DATETIME64, instantFromText, isoFromClickHouse, storableInstant } from "./query/time.ts";
