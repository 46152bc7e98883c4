import { randomUUID } from "node:crypto";
import type { ClickHouseClient } from "@clickhouse/client";
import { and, asc, count, desc, eq, type SQL } from "drizzle-orm";
import type { Comment, CommentListQuery, CreateCommentRequest } from "@wick/contracts";
import { comments, type CommentRow, type Database } from "@wick/postgres";
import { commentObjectExists } from "./comment-objects.ts";
import { InvalidScoresRequestError, ScoresNotFoundError } from "./errors.ts";

function commentView(row: CommentRow): Comment {
  return {
    id: row.id,
    projectId: row.projectId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    objectType: row.objectType,
    objectId: row.objectId,
    content: row.content,
    authorUserId: row.authorUserId,
  };
}

/** Comments on traces, observations, sessions and prompt versions, kept in Postgres. */
export class CommentService {
  constructor(private readonly stores: { db: Database; clickhouse: ClickHouseClient }) {}

  /** Refuses comments on objects that do not exist, as upstream does; returns the new id. */
  async create(projectId: string, body: CreateCommentRequest): Promise<string> {
    // Upstream accepts only members of the project's organization; Wick has no users, so nobody is one.
    if (body.authorUserId !== undefined && body.authorUserId !== null) {
      throw new InvalidScoresRequestError("authorUserId must belong to a member of the organization that owns the authenticated project.");
    }
    if (!(await commentObjectExists(this.stores, projectId, body.objectType, body.objectId))) {
      throw new ScoresNotFoundError(`Reference object, ${body.objectType}: ${body.objectId} not found. Skipping comment creation.`);
    }
    const id = randomUUID();
    await this.stores.db.insert(comments).values({ id, projectId, objectType: body.objectType, objectId: body.objectId, content: body.content });
    return id;
  }

  async get(projectId: string, id: string): Promise<Comment | undefined> {
    const [row] = await this.stores.db
      .select()
      .from(comments)
      .where(and(eq(comments.projectId, projectId), eq(comments.id, id)));
    return row && commentView(row);
  }

  /** Newest first (upstream gives no order; a fixed one keeps pages from skipping or repeating). */
  async list(projectId: string, query: CommentListQuery): Promise<{ data: Comment[]; totalItems: number }> {
    const conditions: Array<SQL | undefined> = [
      eq(comments.projectId, projectId),
      query.objectType && eq(comments.objectType, query.objectType),
      query.objectId !== undefined ? eq(comments.objectId, query.objectId) : undefined,
      query.authorUserId !== undefined ? eq(comments.authorUserId, query.authorUserId) : undefined,
    ];
    const where = and(...conditions);
    const [rows, [total]] = await Promise.all([
      this.stores.db
        .select()
        .from(comments)
        .where(where)
        .orderBy(desc(comments.createdAt), asc(comments.id))
        .limit(query.limit)
        .offset((query.page - 1) * query.limit),
      this.stores.db.select({ n: count() }).from(comments).where(where),
    ]);
    return { data: rows.map(commentView), totalItems: total?.n ?? 0 };
  }
}
