import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorResponse, pageMeta, PaginatedSessions, SessionListQuery, SessionWithTraces } from "@wick/contracts";
import { NotFoundError } from "../../errors.ts";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

export const sessionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.get(
    "/sessions",
    {
      schema: {
        description: "Get sessions, most recently started first",
        operationId: "sessions_list",
        tags: ["Sessions"],
        querystring: SessionListQuery,
        response: { 200: PaginatedSessions, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { query } = request;
      const { data, totalItems } = await services.reads.sessions(projectIdOf(request), query);
      return { data, meta: pageMeta(query.page, query.limit, totalItems) };
    },
  );

  app.get(
    "/sessions/:sessionId",
    {
      schema: {
        description: "Get a session with all its traces",
        operationId: "sessions_get",
        tags: ["Sessions"],
        params: z.object({ sessionId: z.string() }),
        response: { 200: SessionWithTraces, 404: ErrorResponse },
      },
    },
    async (request) => {
      const session = await services.reads.session(projectIdOf(request), request.params.sessionId);
      if (!session) throw new NotFoundError("Session not found within authorized project");
      return session;
    },
  );
};
