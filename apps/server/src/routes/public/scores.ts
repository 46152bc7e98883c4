import { randomUUID } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CreateScoreRequest,
  CreateScoreResponse,
  ErrorResponse,
  GetScoresResponse,
  GetScoresV3Response,
  LegacyGetScoresResponse,
  LegacyScoreListQuery,
  pageMeta,
  Score,
  ScoreIdParams,
  ScoreListQuery,
  ScoreV1,
  ScoreV3ListQuery,
} from "@wick/contracts";
import { NotFoundError } from "../../errors.ts";
import { intakeScope, projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

/** The score as a `score-create` event body: empty link ids count as absent, as upstream reads them. */
function scoreEventBody(body: CreateScoreRequest, id: string) {
  return {
    ...body,
    id,
    traceId: body.traceId || undefined,
    sessionId: body.sessionId || undefined,
    observationId: body.observationId || undefined,
    datasetRunId: body.datasetRunId || undefined,
  };
}

const v1Scope = "Trace scores of the NUMERIC, BOOLEAN, CATEGORICAL and TEXT types only";

export const scoreRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  app.post(
    "/scores",
    {
      config: { auth: { allow: ["project", "scores"] } },
      schema: {
        description:
          "Create or update (same id) a score on a trace, observation, session or dataset run. Unlike the reference, a score that does not fit its config is refused with 400 here instead of being dropped later; an acknowledged score is readable at once.",
        operationId: "scores_create",
        tags: ["Scores"],
        body: CreateScoreRequest,
        response: { 200: CreateScoreResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const id = request.body.id || randomUUID();
      // Written as an ingestion event so that it merges with ingested events for the same score.
      const event = { id: randomUUID(), type: "score-create", timestamp: new Date().toISOString(), body: scoreEventBody(request.body, id) };
      const checked = await services.intake.accept(intakeScope(request), request.headers, [event]);
      const [refused] = checked.response.errors;
      // The reference words errors found on the event (rather than the body) as a bare message.
      if (refused) return reply.status(400).send({ message: refused.message ?? "Invalid score" });
      return { id };
    },
  );

  app.delete(
    "/scores/:scoreId",
    {
      schema: {
        description:
          "Delete a score of any link and type. It is gone from every read when this answers (the reference only queues the delete); the status and message stay the reference's.",
        operationId: "legacy_scoreV1_delete",
        tags: ["LegacyScoreV1"],
        params: ScoreIdParams,
        response: { 202: z.object({ message: z.string() }) },
      },
    },
    async (request, reply) => {
      const projectId = projectIdOf(request);
      await services.deletes.score(projectId, request.params.scoreId);
      return reply.status(202).send({ message: "Score deletion queued successfully" });
    },
  );

  app.get(
    "/v3/scores",
    {
      schema: {
        description:
          "Scores newest first, by cursor, with a `value` typed by the data type. Field groups besides core: details (comment, configId, metadata), subject (what the score is on), annotation (authorUserId, queueId). Unknown parameters are refused.",
        operationId: "scoresV3_getManyV3",
        tags: ["ScoresV3"],
        querystring: ScoreV3ListQuery,
        response: { 200: GetScoresV3Response, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { data, cursor } = await services.scores.reads.v3(projectIdOf(request), request.query);
      return { data, meta: { limit: request.query.limit, ...(cursor ? { cursor } : {}) } };
    },
  );

  app.get(
    "/v2/scores",
    {
      schema: {
        description:
          "Scores of every link and data type, newest first, by page; with each score's trace (user, tags, environment, session) unless `fields` leaves the trace group out",
        operationId: "scores_get-many",
        tags: ["Scores"],
        querystring: ScoreListQuery,
        response: { 200: GetScoresResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { query } = request;
      const { data, totalItems } = await services.scores.reads.list(projectIdOf(request), query);
      return { data, meta: pageMeta(query.page, query.limit, totalItems) };
    },
  );

  app.get(
    "/v2/scores/:scoreId",
    {
      schema: {
        description: "A score of any link and data type",
        operationId: "scores_get-by-id",
        tags: ["Scores"],
        params: ScoreIdParams,
        response: { 200: Score, 404: ErrorResponse },
      },
    },
    async (request) => {
      const score = await services.scores.reads.get(projectIdOf(request), request.params.scoreId);
      if (!score) throw new NotFoundError("Score not found");
      return score;
    },
  );

  app.get(
    "/scores",
    {
      schema: {
        description: `Legacy v1 list, which the reference still serves: ${v1Scope}, newest first, each with its trace's user, tags and environment`,
        operationId: "legacy_scoreV1_getMany",
        tags: ["LegacyScoreV1"],
        querystring: LegacyScoreListQuery,
        response: { 200: LegacyGetScoresResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { query } = request;
      const { data, totalItems } = await services.scores.reads.legacyList(projectIdOf(request), query);
      return { data, meta: pageMeta(query.page, query.limit, totalItems) };
    },
  );

  app.get(
    "/scores/:scoreId",
    {
      schema: {
        description: `Legacy v1 read of one score, which the reference still serves: ${v1Scope}`,
        operationId: "legacy_scoreV1_get",
        tags: ["LegacyScoreV1"],
        params: ScoreIdParams,
        response: { 200: ScoreV1, 404: ErrorResponse },
      },
    },
    async (request) => {
      const score = await services.scores.reads.legacyGet(projectIdOf(request), request.params.scoreId);
      if (!score) throw new NotFoundError("Score not found");
      return score;
    },
  );
};
