import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import {
  DailyMetrics,
  DailyMetricsQuery,
  ErrorResponse,
  LegacyMetricsResponse,
  MetricsQueryParams,
  MetricsQueryV1,
  MetricsQueryV2,
  MetricsV2Response,
  type MetricsQuery,
} from "@wick/contracts";
import type { ApiVersion } from "@wick/metrics";
import { sendErrorBody } from "../../plugins/error-handler.ts";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

type Parsed = { ok: true; query: MetricsQuery } | { ok: false; body: { message: string; error: string | unknown[] } };

/** The `query` parameter as the reference reads it: JSON first, then the schema, issues under `["query", …]`. */
function parseMetricsQuery(raw: string, schema: z.ZodType<MetricsQuery>): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, body: { message: "Invalid JSON in query parameter", error: "InvalidRequestError" } };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, query: result.data };
  const issues = result.error.issues.map((issue) => ({ ...issue, path: ["query", ...issue.path] }));
  return { ok: false, body: { message: "Invalid request data", error: issues } };
}

export const metricsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const engine = services.metrics;

  async function answer(version: ApiVersion, projectId: string, raw: string, reply: FastifyReply) {
    const parsed = parseMetricsQuery(raw, version === "v2" ? MetricsQueryV2 : MetricsQueryV1);
    if (!parsed.ok) return sendErrorBody(reply, 400, parsed.body);
    return { data: await engine.query(projectId, version, parsed.query) };
  }

  app.get(
    "/v2/metrics",
    {
      schema: {
        description:
          "Aggregates observations or scores by dimensions and time buckets. `query` is URL-encoded JSON; see the Langfuse Metrics API for views, dimensions, measures and filters. High-cardinality dimensions need an explicit row_limit and a descending order on a measure.",
        operationId: "metrics_metrics",
        tags: ["Metrics"],
        querystring: MetricsQueryParams,
        response: { 200: MetricsV2Response, 400: ErrorResponse, 422: ErrorResponse },
      },
    },
    (request, reply) => answer("v2", projectIdOf(request), request.query.query, reply),
  );

  app.get(
    "/metrics",
    {
      schema: {
        description: "The legacy metrics query (also the traces view, no default row limit). Prefer GET /api/public/v2/metrics.",
        operationId: "legacy_metricsV1_metrics",
        tags: ["LegacyMetricsV1"],
        deprecated: true,
        querystring: MetricsQueryParams,
        response: { 200: LegacyMetricsResponse, 400: ErrorResponse, 422: ErrorResponse },
      },
    },
    (request, reply) => answer("v1", projectIdOf(request), request.query.query, reply),
  );

  app.get(
    "/metrics/daily",
    {
      schema: {
        description: "Legacy daily usage and cost per model, newest day first. Absent from the current Langfuse spec but still served by it.",
        operationId: "metrics_daily",
        tags: ["LegacyMetricsV1"],
        deprecated: true,
        querystring: DailyMetricsQuery,
        response: { 200: DailyMetrics, 400: ErrorResponse },
      },
    },
    (request) => engine.daily(projectIdOf(request), request.query),
  );
};
