import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CreatePromptRequest,
  DeletePromptQuery,
  ErrorResponse,
  GetPromptQuery,
  ListPromptsQuery,
  pageMeta,
  Prompt,
  PromptMetaListResponse,
  PromptNameParams,
  PromptVersionParams,
  UpdatePromptVersionRequest,
} from "@wick/contracts";
import type { PromptService, PromptVersion, ResolvedPromptVersion } from "@wick/prompts";
import { projectIdOf, type RouteAuth } from "../../plugins/public-auth.ts";

/** Prompt reads and writes name the error class in auth failures too, and word the 403 per method. */
const promptAuth = (method: string): RouteAuth => ({
  allow: ["project"],
  namedErrors: true,
  forbiddenMessage: `Access denied - need to use basic auth with secret key to ${method} prompts`,
});

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** A version as writes return it: the stored row, where `isActive` is the unused legacy column. */
function storedBody(version: PromptVersion): Prompt {
  return {
    id: version.id,
    createdAt: version.createdAt.toISOString(),
    updatedAt: version.updatedAt.toISOString(),
    projectId: version.projectId,
    createdBy: version.createdBy,
    prompt: version.prompt,
    name: version.name,
    version: version.version,
    type: version.type,
    isActive: null,
    config: version.config,
    tags: version.tags,
    labels: version.labels,
    commitMessage: version.commitMessage,
  } as Prompt;
}

/** A version as reads return it: active when it has `production`, with its resolution graph. */
function readBody(version: ResolvedPromptVersion): Prompt {
  return { ...storedBody(version), isActive: version.labels.includes("production"), resolutionGraph: version.resolutionGraph };
}

/** `/v2/prompts`: versioned prompts with labels and composition, as the SDKs' prompt clients use them. */
export const promptRoutes: FastifyPluginAsyncZod<{ services: { prompts: PromptService } }> = async (app, { services }) => {
  const common = { tags: ["Prompts"] };

  app.get(
    "/v2/prompts",
    {
      config: { auth: promptAuth("GET") },
      schema: {
        ...common,
        description: "Get a list of prompt names with versions and labels; filters select versions, which are then grouped by name",
        operationId: "prompts_list",
        querystring: ListPromptsQuery,
        response: { 200: PromptMetaListResponse, ...errors },
      },
    },
    async (request) => {
      const { page, limit } = request.query;
      const { prompts, totalItems } = await services.prompts.list(projectIdOf(request), request.query);
      const meta = pageMeta(page, limit, totalItems);
      return {
        data: prompts.map((prompt) => ({ ...prompt, lastUpdatedAt: prompt.lastUpdatedAt.toISOString() })),
        meta,
        pagination: meta,
      };
    },
  );

  app.post(
    "/v2/prompts",
    {
      config: { auth: promptAuth("POST") },
      schema: {
        ...common,
        description: "Create a new version for the prompt with the given `name`",
        operationId: "prompts_create",
        body: CreatePromptRequest,
        response: { 201: Prompt, ...errors },
      },
    },
    async (request, reply) => {
      const created = await services.prompts.create(projectIdOf(request), request.body);
      return reply.status(201).send(storedBody(created));
    },
  );

  app.get(
    "/v2/prompts/:promptName",
    {
      config: { auth: promptAuth("GET") },
      schema: {
        ...common,
        description: "Get a prompt version by `version` or `label` (default `production`), with its composition resolved",
        operationId: "prompts_get",
        params: PromptNameParams,
        querystring: GetPromptQuery,
        response: { 200: Prompt, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => readBody(await services.prompts.get(projectIdOf(request), request.params.promptName, request.query)),
  );

  app.delete(
    "/v2/prompts/:promptName",
    {
      config: { auth: promptAuth("DELETE") },
      schema: {
        ...common,
        description: "Delete prompt versions: all of them, one `version`, or those with a `label`",
        operationId: "prompts_delete",
        params: PromptNameParams,
        querystring: DeletePromptQuery,
        response: { 204: z.null().describe("Deleted"), ...errors },
      },
    },
    async (request, reply) => {
      await services.prompts.delete(projectIdOf(request), request.params.promptName, request.query);
      return reply.status(204).send(null);
    },
  );

  app.patch(
    "/v2/prompts/:name/versions/:version",
    {
      // Not promptAuth: unlike the other prompt routes, this one answers auth failures like the standard routes.
      schema: {
        description: "Add labels to a prompt version; each label moves here from any other version",
        operationId: "promptVersion_update",
        tags: ["PromptVersion"],
        params: PromptVersionParams,
        body: UpdatePromptVersionRequest,
        response: { 200: Prompt, ...errors },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      return storedBody(await services.prompts.addLabels(projectIdOf(request), name, version, request.body.newLabels));
    },
  );
};
