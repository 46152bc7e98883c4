import type { FastifyPluginAsync } from "fastify";
import type { Services } from "../../../services.ts";
import { dashboardWidgetRoutes } from "./dashboard-widgets.ts";
import { dashboardRoutes } from "./dashboards.ts";
import { evaluationRuleRoutes } from "./evaluation-rules.ts";
import { evaluatorRoutes } from "./evaluators.ts";
import { unstableErrorHandler } from "../../../plugins/unstable-errors.ts";

/**
 * `/unstable`: the reference's newer resources, with an error contract of their own (resources.md
 * §9.1) that no other route shares. Every method answers 200, creates and deletes included.
 */
export const unstableApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.setErrorHandler(unstableErrorHandler);
  await app.register(dashboardRoutes, { services });
  await app.register(dashboardWidgetRoutes, { services });
  await app.register(evaluatorRoutes, { services });
  await app.register(evaluationRuleRoutes, { services });
};
