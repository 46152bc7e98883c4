export { TracingReads, type TraceGroup, type PriceLookup } from "./tracing-reads.ts";
export type { ModelPrices } from "./views.ts";
export { scoreV1View } from "./views.ts";
export { parseStoredMetadata } from "./values.ts";
export { encodeCursor } from "./observations-v2.ts";
export { InvalidFilterError } from "./filters/compile.ts";
export { compileCondition } from "./filters/compile.ts";
export { parseFilter } from "./filters/observation-filter.ts";
export type { FilterColumn } from "./filters/columns.ts";
