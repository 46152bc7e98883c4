import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ErrorResponse, IngestionBadRequest, IngestionRequest, IngestionResponse } from "@wick/contracts";
import type { BodyBudget } from "../../plugins/body-budget.ts";
import { intakeScope } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

/** Marks a body that arrived with a content type other than JSON, so the envelope check can say so. */
const NOT_JSON = Symbol("not JSON");

export const ingestionRoutes: FastifyPluginAsyncZod<{ services: Services; bodyLimitBytes: number; bodyBudget: BodyBudget }> = async (
  app,
  { services, bodyLimitBytes, bodyBudget },
) => {
  // The reference reads any content type and then fails the envelope check: a clear 400, not a 415.
  app.addContentTypeParser("*", { bodyLimit: bodyLimitBytes }, (_request, payload, done) => {
    payload.resume();
    payload.on("end", () => done(null, NOT_JSON));
    payload.on("error", done);
  });

  app.post(
    "/ingestion",
    {
      bodyLimit: bodyLimitBytes,
      onRequest: bodyBudget.reserve,
      attachValidation: true,
      config: {
        auth: {
          allow: ["project", "scores"],
          forbiddenMessage: "Missing projectId in scope. Are you using an organization key?",
          forbiddenStatus: 401,
          namedErrors: true,
        },
      },
      schema: {
        description:
          "Batched ingestion of traces, observations, scores and SDK logs (the legacy ingestion API). Each event is validated on its own; the answer is 207 with per-event successes and errors. Acknowledged events are stored and readable at once.",
        operationId: "ingestion_batch",
        tags: ["Ingestion"],
        body: IngestionRequest,
        response: { 207: IngestionResponse, 400: IngestionBadRequest, 401: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request, reply) => {
      if (request.validationError || request.body === (NOT_JSON as unknown)) {
        const problems =
          request.body === (NOT_JSON as unknown)
            ? [`Expected a JSON body with Content-Type: application/json, got ${request.headers["content-type"] ?? "no Content-Type"}`]
            : (request.validationError?.validation ?? []).map((issue: { instancePath?: string; message?: string }) => `${issue.instancePath || "body"}: ${issue.message}`);
        return reply.status(400).send({ message: "Invalid request data", errors: problems });
      }
      const checked = await services.intake.accept(intakeScope(request), request.headers, request.body.batch);
      for (const log of checked.sdkLogs) request.log.info({ sdkLog: log }, "sdk log");
      return reply.status(207).send(checked.response);
    },
  );
};
