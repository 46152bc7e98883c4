import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorResponse, OtelErrorResponse, OtelMetricsResponse, OtelTraceRequest, OtelTraceResponse } from "@wick/contracts";
import { langfuseHeader } from "@wick/ingestion";
import type { TracedEvent } from "@wick/media";
import { decodeExportBody, exportProblem, exportToIngestionEvents, type ConvertedExport } from "@wick/otel";
import type { BodyBudget } from "../../plugins/body-budget.ts";
import { intakeScope } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

/** Largest request body as sent, and decompressed: far above what SDK batches reach, below what exhausts memory. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The reference logs exports above this size; so does Wick. */
const LARGE_EXPORT_BYTES = 16 * 1024 * 1024;
/** A span whose events exceed this is skipped (the reference warns at the same size, LANGFUSE_OTEL_MAX_SPAN_BYTES). */
const MAX_SPAN_BYTES = 9_500_000;
const MAX_INGESTION_VERSION = 4;

/** The reference reads the version with `parseInt`: `"4abc"` is 4, `"abc"` is refused. */
function unsupportedIngestionVersion(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = langfuseHeader(headers, "x-langfuse-ingestion-version");
  if (value === undefined) return undefined;
  const version = Number.parseInt(value, 10);
  if (!Number.isNaN(version) && version <= MAX_INGESTION_VERSION) return undefined;
  return `Unsupported x-langfuse-ingestion-version: ${JSON.stringify(value)}. Maximum supported: "${MAX_INGESTION_VERSION}".`;
}

/** Spans not stored: skipped while converting, or with an event the ingestion schema refused. */
function rejectedSpans(converted: ConvertedExport, refusedEvents: Array<{ id: string; message?: string | null }>): Map<string, string> {
  const rejected = new Map(converted.skipped.map((skip) => [skip.spanId, skip.reason]));
  for (const refused of refusedEvents) rejected.set(converted.spanOfEvent.get(refused.id) ?? refused.id, refused.message ?? "invalid event");
  return rejected;
}

const DESCRIPTION = [
  "OpenTelemetry trace ingestion (OTLP/HTTP): `application/x-protobuf` or `application/json` bodies, optionally gzip or deflate compressed.",
  "Spans become traces and observations through the same validation, merge and storage as the ingestion API, mapped from Langfuse attributes",
  "(`langfuse.*`) and the GenAI, Vercel AI SDK, OpenInference, OpenLLMetry and other conventions. A 200 means the spans are stored and readable.",
  "A malformed export is refused as a whole (400); a span that cannot be stored (an empty id, a time outside 1900–2299, more than 9.5 MB) is",
  "left out, logged, and counted in `partialSuccess`.",
].join(" ");

export const otelRoutes: FastifyPluginAsyncZod<{ services: Services; bodyBudget: BodyBudget }> = async (app, { services, bodyBudget }) => {
  // The handler reads the raw bytes itself: it needs them for protobuf and for decompression.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));

  app.post(
    "/otel/v1/traces",
    {
      bodyLimit: MAX_BODY_BYTES,
      onRequest: bodyBudget.reserve,
      // The schema documents the JSON form; the bytes are decoded and checked by the handler.
      validatorCompiler: () => (value) => ({ value }),
      schema: {
        description: DESCRIPTION,
        operationId: "opentelemetry_exportTraces",
        tags: ["Opentelemetry"],
        consumes: ["application/json", "application/x-protobuf"],
        body: OtelTraceRequest,
        // 413: Fastify's body limit answers `{message, error}`, the decompression limit `{error}`.
        response: { 200: OtelTraceResponse, 400: OtelErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 413: z.union([ErrorResponse, OtelErrorResponse]) },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown;
      const decoded = await decodeExportBody({
        body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
        contentType: request.headers["content-type"],
        contentEncoding: request.headers["content-encoding"],
        maxDecompressedBytes: MAX_BODY_BYTES,
      });
      if (!decoded.ok) return reply.status(decoded.status).send({ error: decoded.error });
      const { resourceSpans } = decoded;
      if (!resourceSpans || (Array.isArray(resourceSpans) && resourceSpans.length === 0)) return reply.send({});
      // A non-array `resourceSpans` holds no spans; the reference accepts it and stores nothing.
      const exported = Array.isArray(resourceSpans) ? resourceSpans : [];
      const problem = exportProblem(exported);
      if (problem) return reply.status(400).send({ error: problem });
      if (decoded.decodedBytes > LARGE_EXPORT_BYTES) request.log.warn({ bytes: decoded.decodedBytes }, "large OTLP trace export");
      const unsupported = unsupportedIngestionVersion(request.headers);
      if (unsupported) return reply.status(400).send({ error: unsupported });

      const converted = exportToIngestionEvents(exported, { now: Date.now(), maxSpanBytes: MAX_SPAN_BYTES });
      const scope = intakeScope(request);
      if (services.otelMedia) await services.otelMedia.extract(scope.projectId, converted.events as TracedEvent[]);
      // The span columns pass beside the ingestion schema, which would strip them: only this route states them.
      const checked = await services.intake.accept(scope, request.headers, converted.events, { spanColumns: converted.spanColumns });

      const rejected = rejectedSpans(converted, checked.response.errors);
      if (rejected.size === 0) return reply.send({});
      const reasons = [...rejected].slice(0, 5).map(([spanId, reason]) => `${spanId}: ${reason}`);
      request.log.warn({ rejectedSpans: rejected.size, spans: converted.spanCount, reasons }, "OTLP spans not stored");
      return reply.send({ partialSuccess: { rejectedSpans: rejected.size, errorMessage: `${rejected.size} of ${converted.spanCount} span(s) not stored: ${reasons.join("; ")}` } });
    },
  );

  app.post(
    "/otel/v1/metrics",
    {
      bodyLimit: MAX_BODY_BYTES,
      schema: {
        description: "OpenTelemetry metrics: accepted and discarded, as the reference does (Langfuse stores no OTLP metrics).",
        operationId: "opentelemetry_exportMetrics",
        tags: ["Opentelemetry"],
        response: { 200: OtelMetricsResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async () => ({ message: "OK" as const }),
  );
};
