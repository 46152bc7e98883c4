import { z } from "zod";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

// Every annotation-queue body and query is strict upstream: an unknown key is a 400.

export const AnnotationQueueStatus = z.enum(["PENDING", "COMPLETED"]).meta({ id: "AnnotationQueueStatus" });
export type AnnotationQueueStatus = z.infer<typeof AnnotationQueueStatus>;

export const AnnotationQueueObjectType = z.enum(["TRACE", "OBSERVATION", "SESSION"]).meta({ id: "AnnotationQueueObjectType" });

export const AnnotationQueue = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    scoreConfigIds: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "AnnotationQueue" });

export type AnnotationQueue = z.infer<typeof AnnotationQueue>;

export const AnnotationQueueItem = z
  .object({
    id: z.string(),
    queueId: z.string(),
    objectId: z.string(),
    objectType: AnnotationQueueObjectType,
    status: AnnotationQueueStatus,
    completedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "AnnotationQueueItem" });

export type AnnotationQueueItem = z.infer<typeof AnnotationQueueItem>;

export const PaginatedAnnotationQueues = z.object({ data: z.array(AnnotationQueue), meta: PageMeta }).meta({ id: "PaginatedAnnotationQueues" });
export const PaginatedAnnotationQueueItems = z.object({ data: z.array(AnnotationQueueItem), meta: PageMeta }).meta({ id: "PaginatedAnnotationQueueItems" });

export const CreateAnnotationQueueRequest = z
  .strictObject({
    name: z.string().describe("Unique within the project"),
    description: z.string().nullish(),
    scoreConfigIds: z.array(z.string()).min(1).describe("At least one; each a score config of the project (archived ones too)"),
  })
  .meta({ id: "CreateAnnotationQueueRequest" });

export type CreateAnnotationQueueRequest = z.infer<typeof CreateAnnotationQueueRequest>;

export const CreateAnnotationQueueItemRequest = z
  .strictObject({
    objectId: z.string().describe("Not checked for existence; the same object may be queued again"),
    objectType: AnnotationQueueObjectType,
    // Upstream refuses null although its document marks the field nullable.
    status: AnnotationQueueStatus.optional().describe("Defaults to PENDING; COMPLETED sets completedAt"),
  })
  .meta({ id: "CreateAnnotationQueueItemRequest" });

export type CreateAnnotationQueueItemRequest = z.infer<typeof CreateAnnotationQueueItemRequest>;

export const UpdateAnnotationQueueItemRequest = z
  .strictObject({
    status: AnnotationQueueStatus.optional().describe("COMPLETED sets completedAt to now, every time; PENDING keeps it"),
  })
  .meta({ id: "UpdateAnnotationQueueItemRequest" });

export type UpdateAnnotationQueueItemRequest = z.infer<typeof UpdateAnnotationQueueItemRequest>;

export const DeleteAnnotationQueueItemResponse = z.object({ success: z.boolean(), message: z.string() }).meta({ id: "DeleteAnnotationQueueItemResponse" });

export const AnnotationQueueAssignmentRequest = z
  .strictObject({ userId: z.string().describe("A member of the project's organization") })
  .meta({ id: "AnnotationQueueAssignmentRequest" });

export const CreateAnnotationQueueAssignmentResponse = z
  .object({ userId: z.string(), queueId: z.string(), projectId: z.string() })
  .meta({ id: "CreateAnnotationQueueAssignmentResponse" });

export const DeleteAnnotationQueueAssignmentResponse = z.object({ success: z.boolean() }).meta({ id: "DeleteAnnotationQueueAssignmentResponse" });

/** Queries of the routes that take no parameters: strict, so any parameter is a 400. */
export const NoAnnotationQueueQuery = z.strictObject({});

export const AnnotationQueueListQuery = z.strictObject({ page: PageParam, limit: LimitParam });

export const AnnotationQueueItemListQuery = z.strictObject({ status: AnnotationQueueStatus.optional(), page: PageParam, limit: LimitParam });

export const AnnotationQueueParams = z.object({ queueId: z.string().describe("The unique identifier of the annotation queue") });

export const AnnotationQueueItemParams = AnnotationQueueParams.extend({ itemId: z.string().describe("The unique identifier of the annotation queue item") });
