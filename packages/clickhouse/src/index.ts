export { openClickHouse, type ClickHouseStore, type ClickHouseTarget } from "./connect.ts";
export { DataDirectoryLockedError, lockHolder } from "./data-dir-lock.ts";
export { migrateClickHouse, clusterize, splitStatements, CLICKHOUSE_MIGRATIONS_DIR } from "./migrate.ts";
export { RowDeletes, type DeletableTable, type DeleteReach, type RowDeleteWatcher, type RowDeletesOptions } from "./row-deletes.ts";
export { float64ArrayParam, float64Param } from "./query/float-params.ts";
export type { AsRead, MergeMeta } from "./tables/rows.ts";
export { MergedTable, type BoundCondition, type LatestVersion, type MergedTableName } from "./tables/merged-table.ts";
export { traces, type StoredTrace, type TraceRow } from "./tables/traces.ts";
export { observations, type ObservationRow, type StoredObservation } from "./tables/observations.ts";
export { scores, V1_SCORE_DATA_TYPES, type ScoreRow, type StoredScore } from "./tables/scores.ts";
export { sessions, type SessionRow } from "./tables/sessions.ts";
export { datasetRunItems, type DatasetRunItemRow, type ListedRunItem, type RunIncarnation } from "./tables/dataset-run-items.ts";
export { experimentLinkEvents } from "./tables/experiment-link-events.ts";
export { observationDayRollups, type RolledUpDay, type RollupTable } from "./tables/observation-day-rollups.ts";
export { observationTraceDays, scoreTraceDays } from "./tables/trace-days.ts";
export { missingScoreTraces } from "./tables/missing-score-traces.ts";
export { finalCount, finalPage } from "./tables/final-page.ts";
export {
  entityKey,
  OBSERVATION_TRACE_KIND,
  rawEvents,
  SCORE_TRACE_KIND,
  type EntitySelection,
  type LoggedEntityKind,
  type LoggedEventRow,
  type LoggedKeyPosition,
  type RawEventRow,
} from "./tables/raw-events.ts";
export { observationColumns } from "./columns/observation-columns.ts";
export { MOST_BOUND_IDS, ParamBag } from "./query/params.ts";
export { IN_PROJECT, Where } from "./query/where.ts";
export { stringCondition, type StringOperator } from "./query/conditions.ts";
export { insertRows, runCommand, selectBytes, selectRows, type Statement } from "./query/statements.ts";
export { ClickHouseQueryError } from "./query/query-error.ts";
export { clickHouseInstant, DATETIME64, instantFromText, isoFromClickHouse, millisecondsBetween, storableInstant, utcDayOf } from "./query/time.ts";
export { deleteProjectRows, PROJECT_TABLES } from "./project-rows.ts";
export { deleteExpiredRows, deleteSessions, orphanedSessions } from "./retention.ts";
