import { z } from "zod";

/**
 * The OTLP/HTTP trace export in its JSON form, as documentation: the route decodes the body itself
 * (JSON or protobuf, possibly compressed) and checks its structure with the reference's rules.
 */
const OtelAttributeValue = z
  .object({
    stringValue: z.string().nullish(),
    intValue: z.union([z.number().int(), z.string()]).nullish().describe("64-bit integer: a JSON number or a decimal string"),
    doubleValue: z.union([z.number(), z.string()]).nullish(),
    boolValue: z.boolean().nullish(),
    arrayValue: z.object({ values: z.array(z.unknown()) }).nullish(),
    kvlistValue: z.object({ values: z.array(z.unknown()) }).nullish(),
    bytesValue: z.string().nullish(),
  })
  .meta({ id: "OtelAttributeValue", description: "Attribute value wrapper supporting the OTLP value types" });

const OtelAttribute = z.object({ key: z.string().nullish(), value: OtelAttributeValue.nullish() }).meta({ id: "OtelAttribute", description: "Key-value attribute pair" });

const OtelSpan = z
  .object({
    traceId: z.unknown().describe("Trace id: a hex string in JSON (kept as sent), bytes in protobuf (stored as lower-case hex)"),
    spanId: z.unknown().describe("Span id: a hex string in JSON, bytes in protobuf"),
    parentSpanId: z.unknown().optional().describe("Parent span id; absent or empty for a root span"),
    name: z.string().nullish(),
    kind: z.number().int().nullish(),
    startTimeUnixNano: z.unknown().optional().describe("Nanoseconds since the epoch, as a decimal string or number"),
    endTimeUnixNano: z.unknown().optional(),
    attributes: z.array(OtelAttribute).nullish(),
    events: z.array(z.object({ name: z.string().nullish(), timeUnixNano: z.unknown().optional(), attributes: z.array(OtelAttribute).nullish() })).nullish(),
    status: z.object({ code: z.number().int().nullish(), message: z.string().nullish() }).nullish(),
  })
  .meta({ id: "OtelSpan", description: "One span; Langfuse attributes (langfuse.*) and the GenAI, AI SDK, OpenInference and other conventions are mapped" });

const OtelScope = z
  .object({ name: z.string().nullish(), version: z.string().nullish(), attributes: z.array(OtelAttribute).nullish() })
  .meta({ id: "OtelScope", description: "Instrumentation scope" });
const OtelScopeSpan = z.object({ scope: OtelScope.nullish(), spans: z.array(OtelSpan).nullish() }).meta({ id: "OtelScopeSpan", description: "Spans of one instrumentation scope" });
const OtelResource = z.object({ attributes: z.array(OtelAttribute).nullish() }).meta({ id: "OtelResource", description: "Resource attributes" });
const OtelResourceSpan = z
  .object({ resource: OtelResource.nullish(), scopeSpans: z.array(OtelScopeSpan).nullish() })
  .meta({ id: "OtelResourceSpan", description: "Spans from one resource" });

export const OtelTraceRequest = z.object({ resourceSpans: z.array(OtelResourceSpan) }).meta({ id: "OtelTraceRequest" });

/**
 * `{}` when every span was stored. When some spans could not be (see the route description), the
 * OTLP `partialSuccess` says how many, which OTLP exporters log.
 */
export const OtelTraceResponse = z
  .object({ partialSuccess: z.object({ rejectedSpans: z.number().int(), errorMessage: z.string() }).optional() })
  .meta({ id: "OtelTraceResponse", description: "Empty object: the export is stored and readable" });

/** The handler's own errors name the problem under `error`, as the reference does. */
export const OtelErrorResponse = z.object({ error: z.string() }).meta({ id: "OtelErrorResponse" });

export const OtelMetricsResponse = z.object({ message: z.literal("OK") }).meta({ id: "OtelMetricsResponse" });
