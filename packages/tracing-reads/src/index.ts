export { TracingReads, type TraceGroup, type PriceLookup } from "./tracing-reads.ts";
export type { ModelPrices } from "./views.ts";
export { InvalidTraceQueryError } from "./trace-list.ts";
