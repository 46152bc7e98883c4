import cors from "@fastify/cors";
import type { FastifyPluginAsync } from "fastify";
import { publicAuth } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";
import { healthRoutes } from "./health.ts";
import { projectRoutes } from "./projects.ts";

/** `/api/public`: the project-level API, with the reference's CORS and key authentication. */
export const publicApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(cors, {
    // Reflect any origin, without credentials, and answer every OPTIONS as a preflight.
    origin: true,
    methods: ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"],
    strictPreflight: false,
  });
  await app.register(publicAuth, { verifier: services.verifier });
  await app.register(healthRoutes, { services });
  await app.register(projectRoutes, { services });
};
