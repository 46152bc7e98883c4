export { decodeExportBody, type DecodedBody, type ExportRequest } from "./decode/request-body.ts";
export { exportProblem } from "./decode/export-validation.ts";
export { exportToIngestionEvents, type ConvertedExport, type ConvertOptions, type IngestionEventInput } from "./ingestion-events.ts";
export type { SkippedSpan } from "./span-record.ts";
