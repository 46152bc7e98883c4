export { MetricsEngine, type MetricsRow } from "./engine.ts";
export { MetricsQueryError, MetricsResourceError } from "./errors.ts";
export { compileMetricsQuery, type CompiledMetricsQuery } from "./compile/statement.ts";
export { viewFor, type ApiVersion, type View } from "./model/index.ts";
