import {
  pageMeta,
  type AnnotationQueue,
  type AnnotationQueueItem,
  type AnnotationQueueStatus,
  type CreateAnnotationQueueItemRequest,
  type CreateAnnotationQueueRequest,
  type UpdateAnnotationQueueItemRequest,
} from "@wick/contracts";
import type { AnnotationQueueItemRow, AnnotationQueueRow, Database, MembershipRepository } from "@wick/postgres";
import { AnnotationQueueConflictError, AnnotationQueueNotFoundError, InvalidAnnotationQueueRequestError } from "./errors.ts";
import { AnnotationQueueRepository } from "./repository.ts";

/** The project a request works in, and its organization, whose members may be assigned. */
export interface QueueScope {
  projectId: string;
  orgId: string;
}

function toQueue(row: AnnotationQueueRow): AnnotationQueue {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    scoreConfigIds: row.scoreConfigIds,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toItem(row: AnnotationQueueItemRow): AnnotationQueueItem {
  return {
    id: row.id,
    queueId: row.queueId,
    objectId: row.objectId,
    objectType: row.objectType,
    status: row.status,
    completedAt: row.completedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === "23505") return true;
    if (current.cause === current) break;
  }
  return false;
}

const QUEUE_NOT_FOUND = "Annotation queue not found";
const ITEM_NOT_FOUND = "Annotation queue item not found";

/** The annotation queues API (resources.md §5): queues, their items, and who is assigned to them. */
export class AnnotationQueues {
  private readonly repository: AnnotationQueueRepository;

  constructor(
    db: Database,
    private readonly memberships: MembershipRepository,
  ) {
    this.repository = new AnnotationQueueRepository(db);
  }

  async list(projectId: string, page: number, limit: number) {
    const { rows, total } = await this.repository.pageQueues(projectId, page, limit);
    return { data: rows.map(toQueue), meta: pageMeta(page, limit, total) };
  }

  async get(projectId: string, queueId: string): Promise<AnnotationQueue> {
    return toQueue(await this.queue(projectId, queueId));
  }

  async create(projectId: string, body: CreateAnnotationQueueRequest): Promise<AnnotationQueue> {
    const existing = await this.repository.existingScoreConfigs(projectId, body.scoreConfigIds);
    if (body.scoreConfigIds.some((id) => !existing.has(id))) {
      throw new InvalidAnnotationQueueRequestError("At least one of the score config IDs cannot be found for the given project.");
    }
    // Upstream answers a taken name with 400, and only a lost race with 409.
    if (await this.repository.queueNameExists(projectId, body.name)) throw new InvalidAnnotationQueueRequestError("A queue with this name already exists.");
    try {
      return toQueue(await this.repository.insertQueue(projectId, { name: body.name, description: body.description ?? null, scoreConfigIds: body.scoreConfigIds }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new AnnotationQueueConflictError("Concurrent annotation queue creation conflict. Please retry.", { cause: error });
      throw error;
    }
  }

  async listItems(projectId: string, queueId: string, query: { status?: AnnotationQueueStatus; page: number; limit: number }) {
    await this.queue(projectId, queueId);
    const { rows, total } = await this.repository.pageItems(projectId, queueId, query.status, query.page, query.limit);
    return { data: rows.map(toItem), meta: pageMeta(query.page, query.limit, total) };
  }

  async getItem(projectId: string, queueId: string, itemId: string): Promise<AnnotationQueueItem> {
    await this.queue(projectId, queueId);
    const row = await this.repository.findItem(projectId, queueId, itemId);
    if (!row) throw new AnnotationQueueNotFoundError(ITEM_NOT_FOUND);
    return toItem(row);
  }

  async createItem(projectId: string, queueId: string, body: CreateAnnotationQueueItemRequest): Promise<AnnotationQueueItem> {
    await this.queue(projectId, queueId);
    const status = body.status ?? "PENDING";
    const row = await this.repository.insertItem(projectId, queueId, {
      objectId: body.objectId,
      objectType: body.objectType,
      status,
      completedAt: status === "COMPLETED" ? new Date() : null,
    });
    return toItem(row);
  }

  /** COMPLETED stamps `completedAt` anew each time; PENDING leaves it as it was, as upstream. */
  async updateItem(projectId: string, queueId: string, itemId: string, body: UpdateAnnotationQueueItemRequest): Promise<AnnotationQueueItem> {
    await this.queue(projectId, queueId);
    const change = body.status === undefined ? {} : { status: body.status, ...(body.status === "COMPLETED" ? { completedAt: new Date() } : {}) };
    const row = await this.repository.updateItem(projectId, queueId, itemId, change);
    if (!row) throw new AnnotationQueueNotFoundError(ITEM_NOT_FOUND);
    return toItem(row);
  }

  async deleteItem(projectId: string, queueId: string, itemId: string) {
    await this.queue(projectId, queueId);
    if (!(await this.repository.deleteItem(projectId, queueId, itemId))) throw new AnnotationQueueNotFoundError(ITEM_NOT_FOUND);
    return { success: true, message: "Annotation queue item deleted successfully" };
  }

  async assign(scope: QueueScope, queueId: string, userId: string) {
    await this.assignable(scope, queueId, userId);
    await this.repository.upsertAssignment(scope.projectId, queueId, userId);
    return { userId, projectId: scope.projectId, queueId };
  }

  /** Succeeds whether or not the user was assigned. */
  async unassign(scope: QueueScope, queueId: string, userId: string) {
    await this.assignable(scope, queueId, userId);
    await this.repository.deleteAssignment(scope.projectId, queueId, userId);
    return { success: true };
  }

  private async queue(projectId: string, queueId: string): Promise<AnnotationQueueRow> {
    const row = await this.repository.findQueue(projectId, queueId);
    if (!row) throw new AnnotationQueueNotFoundError(QUEUE_NOT_FOUND);
    return row;
  }

  /** The queue must be the project's and the user a member of its organization, whatever their role. */
  private async assignable(scope: QueueScope, queueId: string, userId: string): Promise<void> {
    await this.queue(scope.projectId, queueId);
    if (!(await this.memberships.findOrganizationMember(scope.orgId, userId))) {
      throw new AnnotationQueueNotFoundError("User not found or not authorized for this project");
    }
  }
}
