import { and, count, desc, eq, type SQL, sql } from "drizzle-orm";
import {
  annotationQueueAssignments,
  annotationQueueItems,
  annotationQueues,
  newCuid,
  scoreConfigs,
  type AnnotationQueueItemRow,
  type AnnotationQueueRow,
  type Database,
} from "@wick/postgres";

export type QueueValues = Pick<AnnotationQueueRow, "name" | "description" | "scoreConfigIds">;
export type ItemValues = Pick<AnnotationQueueItemRow, "objectId" | "objectType" | "status" | "completedAt">;
export type ItemChange = Partial<Pick<AnnotationQueueItemRow, "status" | "completedAt">>;

interface Page<T> {
  rows: T[];
  total: number;
}

/** A project's annotation queues, their items and assignments; every statement is bounded to the project. */
export class AnnotationQueueRepository {
  constructor(private readonly db: Database) {}

  /** Newest first, ids breaking ties so pages neither skip nor repeat. */
  async pageQueues(projectId: string, page: number, limit: number): Promise<Page<AnnotationQueueRow>> {
    const where = eq(annotationQueues.projectId, projectId);
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(annotationQueues)
        .where(where)
        .orderBy(desc(annotationQueues.createdAt), desc(annotationQueues.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(annotationQueues).where(where),
    ]);
    return { rows, total: total?.total ?? 0 };
  }

  async findQueue(projectId: string, id: string): Promise<AnnotationQueueRow | undefined> {
    const [row] = await this.db
      .select()
      .from(annotationQueues)
      .where(and(eq(annotationQueues.projectId, projectId), eq(annotationQueues.id, id)));
    return row;
  }

  async queueNameExists(projectId: string, name: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: annotationQueues.id })
      .from(annotationQueues)
      .where(and(eq(annotationQueues.projectId, projectId), eq(annotationQueues.name, name)));
    return row !== undefined;
  }

  /**
   * Which of these ids are score configs of the project, archived or not. The ids travel as one
   * array parameter: a body can list more ids than a statement takes parameters.
   */
  async existingScoreConfigs(projectId: string, ids: string[]): Promise<Set<string>> {
    const rows = await this.db
      .select({ id: scoreConfigs.id })
      .from(scoreConfigs)
      .where(and(eq(scoreConfigs.projectId, projectId), sql`${scoreConfigs.id} = any(${sql.param(ids)}::text[])`));
    return new Set(rows.map((row) => row.id));
  }

  async insertQueue(projectId: string, values: QueueValues): Promise<AnnotationQueueRow> {
    const [row] = await this.db
      .insert(annotationQueues)
      .values({ id: newCuid(), projectId, ...values })
      .returning();
    return row!;
  }

  /** A queue's items, newest first, optionally of one status. */
  async pageItems(projectId: string, queueId: string, status: AnnotationQueueItemRow["status"] | undefined, page: number, limit: number): Promise<Page<AnnotationQueueItemRow>> {
    const conditions: SQL[] = [eq(annotationQueueItems.projectId, projectId), eq(annotationQueueItems.queueId, queueId)];
    if (status) conditions.push(eq(annotationQueueItems.status, status));
    const where = and(...conditions);
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(annotationQueueItems)
        .where(where)
        .orderBy(desc(annotationQueueItems.createdAt), desc(annotationQueueItems.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(annotationQueueItems).where(where),
    ]);
    return { rows, total: total?.total ?? 0 };
  }

  private itemKey(projectId: string, queueId: string, id: string) {
    return and(eq(annotationQueueItems.projectId, projectId), eq(annotationQueueItems.queueId, queueId), eq(annotationQueueItems.id, id));
  }

  async findItem(projectId: string, queueId: string, id: string): Promise<AnnotationQueueItemRow | undefined> {
    const [row] = await this.db
      .select()
      .from(annotationQueueItems)
      .where(this.itemKey(projectId, queueId, id));
    return row;
  }

  async insertItem(projectId: string, queueId: string, values: ItemValues): Promise<AnnotationQueueItemRow> {
    const [row] = await this.db
      .insert(annotationQueueItems)
      .values({ id: newCuid(), projectId, queueId, ...values })
      .returning();
    return row!;
  }

  async updateItem(projectId: string, queueId: string, id: string, change: ItemChange): Promise<AnnotationQueueItemRow | undefined> {
    const [row] = await this.db
      .update(annotationQueueItems)
      .set({ ...change, updatedAt: new Date() })
      .where(this.itemKey(projectId, queueId, id))
      .returning();
    return row;
  }

  async deleteItem(projectId: string, queueId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(annotationQueueItems)
      .where(this.itemKey(projectId, queueId, id))
      .returning({ id: annotationQueueItems.id });
    return deleted.length > 0;
  }

  /** Assigns the user to the queue; assigning again only touches `updatedAt`. */
  async upsertAssignment(projectId: string, queueId: string, userId: string): Promise<void> {
    await this.db
      .insert(annotationQueueAssignments)
      .values({ id: newCuid(), projectId, queueId, userId })
      .onConflictDoUpdate({
        target: [annotationQueueAssignments.projectId, annotationQueueAssignments.queueId, annotationQueueAssignments.userId],
        set: { updatedAt: new Date() },
      });
  }

  async deleteAssignment(projectId: string, queueId: string, userId: string): Promise<void> {
    await this.db
      .delete(annotationQueueAssignments)
      .where(and(eq(annotationQueueAssignments.projectId, projectId), eq(annotationQueueAssignments.queueId, queueId), eq(annotationQueueAssignments.userId, userId)));
  }
}
