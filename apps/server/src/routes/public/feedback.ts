import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ErrorResponse, SubmitFeedbackRequest, SubmitFeedbackResponse } from "@wick/contracts";
import type { FeedbackIntake } from "../../domain/feedback.ts";
import { projectIdOf, type RouteAuth } from "../../plugins/public-auth.ts";

const auth: RouteAuth = { allow: ["project"] };
/** As the reference: feedback is a few short texts. */
const FEEDBACK_BODY_LIMIT_BYTES = 16 * 1024;

export const feedbackRoutes: FastifyPluginAsyncZod<{ services: { feedback: FeedbackIntake } }> = async (app, { services }) => {
  app.post(
    "/feedback",
    {
      config: { auth },
      bodyLimit: FEEDBACK_BODY_LIMIT_BYTES,
      schema: {
        tags: ["Feedback"],
        description:
          "Product feedback about Wick's API, docs or tools, forwarded to the deployment's feedback webhook and not stored. Without a webhook (the default) the answer is 409.",
        operationId: "feedback_submit",
        body: SubmitFeedbackRequest,
        response: { 201: SubmitFeedbackResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => reply.status(201).send(await services.feedback.submit(projectIdOf(request), request.body)),
  );
};
