import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ErrorResponse, ObservationsV2Query, ObservationsV2Response } from "@wick/contracts";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

export const observationV2Routes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    "/v2/observations",
    {
      schema: {
        description:
          "Observations with selectable field groups and cursor pagination, newest first. Every row is the observation's current merged state, and trace-level filters follow the trace's current state.",
        operationId: "observations_getMany",
        tags: ["Observations"],
        querystring: ObservationsV2Query,
        response: { 200: ObservationsV2Response, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { data, cursor } = await services.reads.observationsV2(projectIdOf(request), request.query);
      return { data, meta: cursor ? { cursor } : {} };
    },
  );
};
