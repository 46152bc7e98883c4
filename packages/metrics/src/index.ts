export { MetricsEngine, type MetricsRow } from "./engine.ts";
export { MetricsQueryError, MetricsResourceError } from "./errors.ts";
export { compileMetricsQuery, rollupCandidateDays, type CompiledMetricsQuery } from "./compile/statement.ts";
export { ObservationRollups, type RollupDayRecords, type RollupDayState } from "./rollups.ts";
export { viewFor, type ApiVersion, type View } from "./model/index.ts";
