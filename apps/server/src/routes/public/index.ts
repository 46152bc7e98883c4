import cors from "@fastify/cors";
import type { FastifyPluginAsync } from "fastify";
import { BodyBudget } from "../../plugins/body-budget.ts";
import { publicAuth } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";
import { healthRoutes } from "./health.ts";
import { organizationManagementRoutes } from "./organization-management.ts";
import { ingestionRoutes } from "./ingestion.ts";
import { membershipRoutes } from "./memberships.ts";
import { metricsRoutes } from "./metrics.ts";
import { modelRoutes } from "./models.ts";
import { observationRoutes } from "./observations.ts";
import { observationV2Routes } from "./observations-v2.ts";
import { otelRoutes } from "./otel.ts";
import { projectRoutes } from "./projects.ts";
import { sessionRoutes } from "./sessions.ts";
import { promptRoutes } from "./prompts.ts";
import { scimRoutes } from "./scim.ts";
import { scoreRoutes } from "./scores.ts";
import { scoreConfigRoutes } from "./score-configs.ts";
import { commentRoutes } from "./comments.ts";
import { annotationQueueRoutes } from "./annotation-queues.ts";
import { datasetRoutes } from "./datasets.ts";
import { datasetRunRoutes } from "./dataset-runs.ts";
import { mediaRoutes } from "./media.ts";
import { experimentRoutes } from "./experiments.ts";
import { feedbackRoutes } from "./feedback.ts";
import { blobStorageIntegrationRoutes } from "./blob-storage-integrations.ts";
import { llmConnectionRoutes } from "./llm-connections.ts";
import { traceRoutes } from "./traces.ts";
import { unstableApi } from "./unstable/index.ts";

/** `/api/public`: the project-level API, with the reference's CORS and key authentication. */
export const publicApi: FastifyPluginAsync<{ services: Services; ingestionBodyLimitBytes: number; inFlightBodyBytes: number }> = async (
  app,
  { services, ingestionBodyLimitBytes, inFlightBodyBytes },
) => {
  // One budget for the routes that take large bodies.
  const bodyBudget = new BodyBudget(inFlightBodyBytes);
  // CORS first, so that its headers are on authentication failures too. Its preflight route is
  // registered before authentication applies: browsers send preflights without credentials.
  await app.register(cors, {
    // Reflect any origin, without credentials, and answer every OPTIONS as a preflight.
    origin: true,
    methods: ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"],
    strictPreflight: false,
  });
  await app.register(publicAuth, { verifier: services.verifier });
  await app.register(healthRoutes, { services });
  await app.register(projectRoutes, { services });
  await app.register(ingestionRoutes, { services, bodyLimitBytes: ingestionBodyLimitBytes, bodyBudget });
  await app.register(otelRoutes, { services, bodyBudget });
  await app.register(traceRoutes, { services });
  await app.register(observationRoutes, { services });
  await app.register(observationV2Routes, { services });
  await app.register(sessionRoutes, { services });
  await app.register(modelRoutes, { services });
  await app.register(organizationManagementRoutes, { services });
  await app.register(membershipRoutes, { services });
  await app.register(scimRoutes, { services });
  await app.register(promptRoutes, { services });
  await app.register(scoreRoutes, { services });
  await app.register(scoreConfigRoutes, { services });
  await app.register(commentRoutes, { services });
  await app.register(annotationQueueRoutes, { services });
  await app.register(datasetRoutes, { services, bodyBudget });
  await app.register(datasetRunRoutes, { services });
  await app.register(metricsRoutes, { services });
  await app.register(mediaRoutes, { services });
  await app.register(experimentRoutes, { services });
  await app.register(feedbackRoutes, { services });
  await app.register(blobStorageIntegrationRoutes, { services });
  await app.register(unstableApi, { prefix: "/unstable", services });
  await app.register(llmConnectionRoutes, { services });
};
