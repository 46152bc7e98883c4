import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { HealthQuery, HealthResponse } from "@wick/contracts";
import type { Services } from "../../services.ts";

/** Unauthenticated liveness of the API and both stores; load balancers and SDKs poll it. */
export const healthRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const config = { auth: "public" } as const;
  const schema = {
    description: "Check health of the API and both stores (Postgres and ClickHouse)",
    operationId: "health_health",
    tags: ["Health"],
    querystring: HealthQuery,
    response: { 200: HealthResponse, 503: HealthResponse },
  };
  const check = async () => {
    const unavailable = await services.unavailableStore();
    const failure = unavailable === "Postgres" ? "Database not available" : unavailable === "ClickHouse" ? "ClickHouse not available" : undefined;
    return { statusCode: failure ? (503 as const) : (200 as const), body: { status: failure ?? "OK", version: services.version } };
  };
  app.get("/health", { config, schema }, async (_request, reply) => {
    const { statusCode, body } = await check();
    return reply.status(statusCode).send(body);
  });
  // Not in the reference spec, but served by the reference: readiness for load balancers.
  app.get(
    "/ready",
    {
      config,
      schema: {
        description: "Readiness: 200 while the server takes traffic, 500 once it is shutting down",
        tags: ["Health"],
        response: { 200: HealthResponse, 500: HealthResponse },
      },
    },
    async (_request, reply) =>
      services.lifecycle.shuttingDown
        ? reply.status(500).send({ status: "SIGTERM / SIGINT received, shutting down", version: services.version })
        : { status: "OK", version: services.version },
  );

  // The reference answers health checks on any method; only GET is documented.
  app.route({
    method: ["POST", "PUT", "PATCH", "DELETE"],
    url: "/health",
    config,
    schema: { ...schema, hide: true },
    handler: async (_request, reply) => {
      const { statusCode, body } = await check();
      return reply.status(statusCode).send(body);
    },
  });
};
