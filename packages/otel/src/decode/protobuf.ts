import { createRequire } from "node:module";

interface MessageType {
  decode(bytes: Uint8Array): object;
  toObject(message: object, options: Record<string, unknown>): { resourceSpans?: unknown };
}

// The OTLP messages compiled by protobufjs, as @opentelemetry/otlp-transformer 0.216 ships them
// (later versions dropped the trace decoder). A CommonJS module without an exports map.
const require = createRequire(import.meta.url);
const root = require("@opentelemetry/otlp-transformer/build/src/generated/root.js") as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: MessageType } } } } };
};
const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * Decodes a protobuf `ExportTraceServiceRequest` into the OTLP/JSON shape the JSON path yields:
 * fields that were not sent stay absent, 64-bit integers become decimal strings and enums numbers;
 * ids stay bytes (they become hex later). Throws on bytes that are not such a message.
 */
export function decodeProtobufExport(bytes: Uint8Array): { resourceSpans?: unknown } {
  return ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), { longs: String, enums: Number });
}
