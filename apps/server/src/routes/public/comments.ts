import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { Comment, CommentListQuery, CommentParams, CreateCommentRequest, CreateCommentResponse, ErrorResponse, GetCommentsResponse, pageMeta } from "@wick/contracts";
import { NotFoundError } from "../../errors.ts";
import { projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

export const commentRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const common = { tags: ["Comments"] };

  app.post(
    "/comments",
    {
      schema: {
        ...common,
        description: "Comment on a trace, observation, session or prompt version, which must exist in the project",
        operationId: "comments_create",
        body: CreateCommentRequest,
        response: { 200: CreateCommentResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => ({ id: await services.scores.comments.create(projectIdOf(request), request.body) }),
  );

  app.get(
    "/comments",
    {
      schema: {
        ...common,
        description: "Get comments, newest first, optionally those on one object or by one author",
        operationId: "comments_get",
        querystring: CommentListQuery,
        response: { 200: GetCommentsResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { query } = request;
      const { data, totalItems } = await services.scores.comments.list(projectIdOf(request), query);
      return { data, meta: pageMeta(query.page, query.limit, totalItems) };
    },
  );

  app.get(
    "/comments/:commentId",
    {
      schema: {
        ...common,
        description: "Get a comment by id",
        operationId: "comments_get-by-id",
        params: CommentParams,
        // Strict like every comment query upstream: an unknown parameter is a 400.
        querystring: z.strictObject({}),
        response: { 200: Comment, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const comment = await services.scores.comments.get(projectIdOf(request), request.params.commentId);
      if (!comment) throw new NotFoundError("Comment not found within authorized project");
      return comment;
    },
  );
};
