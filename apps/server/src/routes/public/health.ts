import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { HealthQuery, HealthResponse } from "@wick/contracts";
import type { Services } from "../../services.ts";

/** Unauthenticated liveness of the API and both stores; load balancers and SDKs poll it. */
export const healthRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { postgres, clickhouse } = services.stores;
  app.route({
    method: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    url: "/health",
    schema: {
      description: "Check health of the API and both stores (Postgres and ClickHouse)",
      operationId: "health_health",
      tags: ["Health"],
      querystring: HealthQuery,
      response: { 200: HealthResponse, 503: HealthResponse },
    },
    handler: async (_request, reply) => {
      const [pg, ch] = await Promise.allSettled([postgres.ping(), clickhouse.ping()]);
      const failure = pg.status === "rejected" ? "Database not available" : ch.status === "rejected" ? "ClickHouse not available" : undefined;
      if (failure) return reply.status(503).send({ status: failure, version: services.version });
      return { status: "OK", version: services.version };
    },
  });
};
