import { z } from "zod";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

export const CommentObjectType = z.enum(["TRACE", "OBSERVATION", "SESSION", "PROMPT"]).meta({ id: "CommentObjectType" });
export type CommentObjectType = z.infer<typeof CommentObjectType>;

export const Comment = z
  .object({
    id: z.string(),
    projectId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    objectType: CommentObjectType,
    objectId: z.string(),
    content: z.string(),
    authorUserId: z.string().nullable(),
  })
  .meta({ id: "Comment" });

export type Comment = z.infer<typeof Comment>;

/** Strict, as upstream: an unknown key is a 400. */
export const CreateCommentRequest = z
  .strictObject({
    projectId: z.string().describe("Required but ignored: the comment goes to the project of the API key"),
    objectType: CommentObjectType,
    objectId: z.string().describe("The trace, observation, session or prompt version id; it must exist"),
    content: z.string().trim().min(1).max(5000).describe("Markdown, 1–5000 characters after trimming"),
    authorUserId: z.string().nullish().describe("A member of the project's organization; Wick has no users, so any value is refused"),
  })
  .meta({ id: "CreateCommentRequest" });

export type CreateCommentRequest = z.infer<typeof CreateCommentRequest>;

export const CreateCommentResponse = z.object({ id: z.string() }).meta({ id: "CreateCommentResponse" });

export const GetCommentsResponse = z.object({ data: z.array(Comment), meta: PageMeta }).meta({ id: "GetCommentsResponse" });
export type GetCommentsResponse = z.infer<typeof GetCommentsResponse>;

export const CommentListQuery = z
  .strictObject({
    page: PageParam,
    limit: LimitParam,
    objectType: CommentObjectType.optional(),
    objectId: z.string().optional().describe("Needs objectType"),
    authorUserId: z.string().optional(),
  })
  .refine((query) => query.objectId === undefined || query.objectType !== undefined, {
    path: ["objectId"],
    message: "objectType is required when filtering by objectId",
  });

export type CommentListQuery = z.infer<typeof CommentListQuery>;

export const CommentParams = z.object({ commentId: z.string().describe("The unique langfuse identifier of a comment") });
