import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ErrorResponse, ExperimentItemsQuery, ExperimentItemsResponse, ExperimentsQuery, ExperimentsResponse } from "@wick/contracts";
import type { ExperimentReads } from "@wick/experiments";
import { projectIdOf, type RouteAuth } from "../../plugins/public-auth.ts";

const auth: RouteAuth = { allow: ["project"] };
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

/** Experiments and their items, read from the spans the SDKs' experiment runner exports over OTLP. */
export const experimentRoutes: FastifyPluginAsyncZod<{ services: { experiments: ExperimentReads } }> = async (app, { services }) => {
  app.get(
    "/experiments",
    {
      config: { auth },
      schema: {
        tags: ["Experiments"],
        description:
          "Experiments with an event in the window, by latest event, newest first, with cursor pagination. Aggregates (start, end, item count) cover the events inside the window.",
        operationId: "experiments_list",
        querystring: ExperimentsQuery,
        response: { 200: ExperimentsResponse, ...errors },
      },
    },
    async (request) => {
      const { data, cursor } = await services.experiments.experiments(projectIdOf(request), request.query);
      return { data, meta: cursor ? { cursor } : {} };
    },
  );

  app.get(
    "/experiment-items",
    {
      config: { auth },
      schema: {
        tags: ["Experiments"],
        description: "Experiment items (the root span of each item) starting in the window, newest first, with cursor pagination.",
        operationId: "experiments_listItems",
        querystring: ExperimentItemsQuery,
        response: { 200: ExperimentItemsResponse, ...errors },
      },
    },
    async (request) => {
      const { data, cursor } = await services.experiments.items(projectIdOf(request), request.query);
      return { data, meta: cursor ? { cursor } : {} };
    },
  );
};
