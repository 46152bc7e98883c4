import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  DeleteLlmConnectionResponse,
  ErrorResponse,
  LlmConnection,
  LlmConnectionDeleteQuery,
  LlmConnectionParams,
  LlmConnectionsQuery,
  PaginatedLlmConnections,
  UpsertLlmConnectionRequest,
  pageMeta,
} from "@wick/contracts";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** `/llm-connections`: the project's LLM API keys, upserted by provider; the secrets never leave Wick. */
export const llmConnectionRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { llmConnections } = services;
  const common = { tags: ["LlmConnections"] };

  app.get(
    "/llm-connections",
    {
      schema: {
        ...common,
        description: "Get all LLM connections in a project, newest first",
        operationId: "llmConnections_list",
        querystring: LlmConnectionsQuery,
        response: { 200: PaginatedLlmConnections, ...errors },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { data, totalItems } = await llmConnections.list(projectIdOf(request), page, limit);
      return { data, meta: pageMeta(page, limit, totalItems) };
    },
  );

  app.put(
    "/llm-connections",
    {
      schema: {
        ...common,
        description:
          "Create or update an LLM connection, upserted on provider: 201 when created, 200 when updated (the reference's server does so; its spec lists only 200). The secret key and extra header values are stored encrypted with ENCRYPTION_KEY and never returned.",
        operationId: "llmConnections_upsert",
        body: UpsertLlmConnectionRequest,
        response: { 200: LlmConnection, 201: LlmConnection, ...errors },
      },
    },
    async (request, reply) => {
      const { connection, created } = await llmConnections.upsert(projectIdOf(request), request.body);
      return reply.status(created ? 201 : 200).send(connection);
    },
  );

  app.delete(
    "/llm-connections/:id",
    {
      schema: {
        ...common,
        description: "Delete an LLM connection by id. Evaluators that depend on the deleted connection are paused.",
        operationId: "llmConnections_delete",
        params: LlmConnectionParams,
        querystring: LlmConnectionDeleteQuery,
        response: { 200: DeleteLlmConnectionResponse, ...errors },
      },
    },
    async (request) => {
      await llmConnections.delete(projectIdOf(request), request.params.id);
      return { message: "LLM connection successfully deleted" };
    },
  );
};
