import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorResponse, ObservationListQuery, ObservationsView, ObservationsViews, pageMeta } from "@wick/contracts";
import { NotFoundError } from "../../errors.ts";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

export const observationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    "/observations",
    {
      schema: {
        description: "Get a list of observations, newest start time first",
        operationId: "legacy_observationsV1_getMany",
        tags: ["LegacyObservationsV1"],
        querystring: ObservationListQuery,
        response: { 200: ObservationsViews, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { query } = request;
      const { data, totalItems } = await services.reads.observations(projectIdOf(request), query);
      return { data, meta: pageMeta(query.page, query.limit, totalItems) };
    },
  );

  app.get(
    "/observations/:observationId",
    {
      schema: {
        description: "Get an observation",
        operationId: "legacy_observationsV1_get",
        tags: ["LegacyObservationsV1"],
        params: z.object({ observationId: z.string().describe("The unique langfuse identifier of an observation, can be an event, span or generation") }),
        response: { 200: ObservationsView, 404: ErrorResponse },
      },
    },
    async (request) => {
      const observation = await services.reads.observation(projectIdOf(request), request.params.observationId);
      if (!observation) throw new NotFoundError(`Observation with id ${request.params.observationId} not found`);
      return observation;
    },
  );
};
