import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { CreateScoreConfigRequest, ErrorResponse, pageMeta, ScoreConfig, ScoreConfigListQuery, ScoreConfigParams, ScoreConfigs, UpdateScoreConfigRequest } from "@wick/contracts";
import { NotFoundError } from "../../errors.ts";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

const NOT_FOUND = "Score config not found within authorized project";

export const scoreConfigRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const common = { tags: ["ScoreConfigs"] };

  app.post(
    "/score-configs",
    {
      schema: {
        ...common,
        description: "Create a score config: the name, data type, range or categories that scores referencing it must have",
        operationId: "scoreConfigs_create",
        body: CreateScoreConfigRequest,
        response: { 200: ScoreConfig, 400: ErrorResponse },
      },
    },
    async (request) => services.scores.configs.create(projectIdOf(request), request.body),
  );

  app.get(
    "/score-configs",
    {
      schema: {
        ...common,
        description: "Get the score configs of the project, newest first",
        operationId: "scoreConfigs_get",
        querystring: ScoreConfigListQuery,
        response: { 200: ScoreConfigs, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { data, totalItems } = await services.scores.configs.list(projectIdOf(request), page, limit);
      return { data, meta: pageMeta(page, limit, totalItems) };
    },
  );

  app.get(
    "/score-configs/:configId",
    {
      schema: {
        ...common,
        description: "Get a score config",
        operationId: "scoreConfigs_get-by-id",
        params: ScoreConfigParams,
        response: { 200: ScoreConfig, 404: ErrorResponse },
      },
    },
    async (request) => {
      const config = await services.scores.configs.get(projectIdOf(request), request.params.configId);
      if (!config) throw new NotFoundError(NOT_FOUND);
      return config;
    },
  );

  app.patch(
    "/score-configs/:configId",
    {
      schema: {
        ...common,
        description: "Update a score config; the data type cannot change. Archiving keeps existing scores and refuses new ones",
        operationId: "scoreConfigs_update",
        params: ScoreConfigParams,
        body: UpdateScoreConfigRequest,
        response: { 200: ScoreConfig, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const config = await services.scores.configs.update(projectIdOf(request), request.params.configId, request.body);
      if (!config) throw new NotFoundError(NOT_FOUND);
      return config;
    },
  );
};
