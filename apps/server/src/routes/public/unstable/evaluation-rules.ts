import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CreateEvaluationRuleRequest,
  DeleteEvaluationRuleResponse,
  EvaluationRule,
  EvaluationRuleList,
  EvaluationRuleListQuery,
  EvaluationRuleParams,
  UnstableError,
  UpdateEvaluationRuleRequest,
} from "@wick/contracts";
import { projectIdOf } from "../../../plugins/public-auth.ts";
import type { Services } from "../../../services.ts";

const errors = { 400: UnstableError, 401: UnstableError, 403: UnstableError, 404: UnstableError };
const writeErrors = { ...errors, 409: UnstableError, 422: UnstableError };
const tags = ["UnstableEvaluationRules"];

/** `/unstable/evaluation-rules`: which observations and experiments a project's evaluators score (resources.md §9.5). */
export const evaluationRuleRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { evaluationRules } = services;

  app.get(
    "/evaluation-rules",
    {
      schema: {
        description: "List the project's evaluation rules, newest first.",
        operationId: "unstable_evaluationRules_list",
        tags,
        querystring: EvaluationRuleListQuery,
        response: { 200: EvaluationRuleList, ...errors },
      },
    },
    async (request) => evaluationRules.list(projectIdOf(request), request.query.page, request.query.limit),
  );

  app.post(
    "/evaluation-rules",
    {
      schema: {
        description:
          "Create an evaluation rule for observations or experiments, naming its evaluators by name and type. LLM evaluators' variables must all be mapped (or inherit the evaluator's default mapping). Enabling a rule checks its evaluators can run (422 `evaluator_preflight_failed`) and the cap of 500 active rules (409).",
        operationId: "unstable_evaluationRules_create",
        tags,
        body: CreateEvaluationRuleRequest,
        response: { 200: EvaluationRule, ...writeErrors },
      },
    },
    async (request) => evaluationRules.create(projectIdOf(request), request.body),
  );

  app.get(
    "/evaluation-rules/:evaluationRuleId",
    {
      schema: {
        description: "Get an evaluation rule.",
        operationId: "unstable_evaluationRules_get",
        tags,
        params: EvaluationRuleParams,
        response: { 200: EvaluationRule, ...errors },
      },
    },
    async (request) => evaluationRules.get(projectIdOf(request), request.params.evaluationRuleId),
  );

  app.patch(
    "/evaluation-rules/:evaluationRuleId",
    {
      schema: {
        description:
          "Update an evaluation rule; unspecified fields keep their values. `evaluators` replaces every assignment; the deprecated `evaluator`/`mapping` edit the first. `filter` and `mapping` are only accepted with `target`.",
        operationId: "unstable_evaluationRules_update",
        tags,
        params: EvaluationRuleParams,
        body: UpdateEvaluationRuleRequest,
        response: { 200: EvaluationRule, ...writeErrors },
      },
    },
    async (request) => evaluationRules.update(projectIdOf(request), request.params.evaluationRuleId, request.body),
  );

  app.delete(
    "/evaluation-rules/:evaluationRuleId",
    {
      schema: {
        description: "Delete an evaluation rule; its evaluators stay.",
        operationId: "unstable_evaluationRules_delete",
        tags,
        params: EvaluationRuleParams,
        response: { 200: DeleteEvaluationRuleResponse, ...errors },
      },
    },
    async (request) => evaluationRules.delete(projectIdOf(request), request.params.evaluationRuleId),
  );
};
