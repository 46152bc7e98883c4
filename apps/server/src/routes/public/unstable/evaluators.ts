import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { CreateEvaluatorRequest, DeleteEvaluatorResponse, Evaluator, EvaluatorList, EvaluatorListQuery, EvaluatorParams, UnstableError } from "@wick/contracts";
import { projectIdOf } from "../../../plugins/public-auth.ts";
import type { Services } from "../../../services.ts";

const errors = { 400: UnstableError, 401: UnstableError, 403: UnstableError, 404: UnstableError };
const tags = ["UnstableEvaluators"];

/** `/unstable/evaluators`: a project's versioned evaluators (resources.md §9.4). */
export const evaluatorRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { evaluators } = services;

  app.get(
    "/evaluators",
    {
      schema: {
        description: "List the project's evaluators at their latest versions, most recently updated first.",
        operationId: "unstable_evaluators_list",
        tags,
        querystring: EvaluatorListQuery,
        response: { 200: EvaluatorList, ...errors },
      },
    },
    async (request) => evaluators.list(projectIdOf(request), request.query.page, request.query.limit),
  );

  app.post(
    "/evaluators",
    {
      schema: {
        description:
          "Create an evaluator, or the next version of the one with this name (the id stays). `type` defaults to `llm_as_judge`. An LLM evaluator whose model cannot be resolved is saved blocked, and its rules report `paused`. 409 `name_conflict` when the name belongs to an evaluator of the other type.",
        operationId: "unstable_evaluators_create",
        tags,
        body: CreateEvaluatorRequest,
        response: { 200: Evaluator, 409: UnstableError, ...errors },
      },
    },
    async (request) => evaluators.create(projectIdOf(request), request.body),
  );

  app.get(
    "/evaluators/:evaluatorId",
    {
      schema: {
        description: "Get an evaluator at its latest version.",
        operationId: "unstable_evaluators_get",
        tags,
        params: EvaluatorParams,
        response: { 200: Evaluator, ...errors },
      },
    },
    async (request) => evaluators.get(projectIdOf(request), request.params.evaluatorId),
  );

  app.delete(
    "/evaluators/:evaluatorId",
    {
      schema: {
        description: "Delete an evaluator with all its versions; rules lose its assignment, and a rule left with no evaluator is disabled.",
        operationId: "unstable_evaluators_delete",
        tags,
        params: EvaluatorParams,
        response: { 200: DeleteEvaluatorResponse, ...errors },
      },
    },
    async (request) => evaluators.delete(projectIdOf(request), request.params.evaluatorId),
  );
};
