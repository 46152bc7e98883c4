import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  AnnotationQueue,
  AnnotationQueueAssignmentRequest,
  AnnotationQueueItem,
  AnnotationQueueItemListQuery,
  AnnotationQueueItemParams,
  AnnotationQueueListQuery,
  AnnotationQueueParams,
  CreateAnnotationQueueAssignmentResponse,
  CreateAnnotationQueueItemRequest,
  CreateAnnotationQueueRequest,
  DeleteAnnotationQueueAssignmentResponse,
  DeleteAnnotationQueueItemResponse,
  ErrorResponse,
  NoAnnotationQueueQuery,
  PaginatedAnnotationQueues,
  PaginatedAnnotationQueueItems,
  UpdateAnnotationQueueItemRequest,
} from "@wick/contracts";
import type { FastifyRequest } from "fastify";
import { authScope, projectIdOf } from "../../plugins/public-auth.ts";
import type { Services } from "../../services.ts";

/** The project of the request and its organization, whose members can be assigned to queues. */
function queueScope(request: FastifyRequest) {
  return { projectId: projectIdOf(request), orgId: authScope(request).orgId };
}

export const annotationQueueRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const queues = services.annotationQueues;
  const common = { tags: ["AnnotationQueues"] };

  // Upstream checks path and query parameters as one strict object, in which the path's values
  // win: a query parameter named like a path parameter is therefore no unknown key.
  app.addHook("preValidation", async (request) => {
    const query = request.query as Record<string, unknown>;
    for (const key of Object.keys(request.params as object)) delete query[key];
  });

  app.get(
    "/annotation-queues",
    {
      schema: {
        ...common,
        description: "Get the project's annotation queues, newest first",
        operationId: "annotationQueues_listQueues",
        querystring: AnnotationQueueListQuery,
        response: { 200: PaginatedAnnotationQueues, 400: ErrorResponse },
      },
    },
    async (request) => queues.list(projectIdOf(request), request.query.page, request.query.limit),
  );

  app.post(
    "/annotation-queues",
    {
      schema: {
        ...common,
        description: "Create an annotation queue; its name is unique in the project and its score configs must be the project's",
        operationId: "annotationQueues_createQueue",
        querystring: NoAnnotationQueueQuery,
        body: CreateAnnotationQueueRequest,
        response: { 200: AnnotationQueue, 400: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => queues.create(projectIdOf(request), request.body),
  );

  app.get(
    "/annotation-queues/:queueId",
    {
      schema: {
        ...common,
        description: "Get an annotation queue",
        operationId: "annotationQueues_getQueue",
        params: AnnotationQueueParams,
        querystring: NoAnnotationQueueQuery,
        response: { 200: AnnotationQueue, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => queues.get(projectIdOf(request), request.params.queueId),
  );

  app.get(
    "/annotation-queues/:queueId/items",
    {
      schema: {
        ...common,
        description: "Get the items of an annotation queue, newest first, optionally of one status",
        operationId: "annotationQueues_listQueueItems",
        params: AnnotationQueueParams,
        querystring: AnnotationQueueItemListQuery,
        response: { 200: PaginatedAnnotationQueueItems, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => queues.listItems(projectIdOf(request), request.params.queueId, request.query),
  );

  app.post(
    "/annotation-queues/:queueId/items",
    {
      schema: {
        ...common,
        description: "Add a trace, observation or session to an annotation queue; the object is not looked up",
        operationId: "annotationQueues_createQueueItem",
        params: AnnotationQueueParams,
        querystring: NoAnnotationQueueQuery,
        body: CreateAnnotationQueueItemRequest,
        response: { 200: AnnotationQueueItem, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => queues.createItem(projectIdOf(request), request.params.queueId, request.body),
  );

  app.get(
    "/annotation-queues/:queueId/items/:itemId",
    {
      schema: {
        ...common,
        description: "Get an item of an annotation queue",
        operationId: "annotationQueues_getQueueItem",
        params: AnnotationQueueItemParams,
        querystring: NoAnnotationQueueQuery,
        response: { 200: AnnotationQueueItem, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => queues.getItem(projectIdOf(request), request.params.queueId, request.params.itemId),
  );

  app.patch(
    "/annotation-queues/:queueId/items/:itemId",
    {
      schema: {
        ...common,
        description: "Change an item's status; completing it stamps completedAt, reopening it keeps the stamp",
        operationId: "annotationQueues_updateQueueItem",
        params: AnnotationQueueItemParams,
        querystring: NoAnnotationQueueQuery,
        body: UpdateAnnotationQueueItemRequest,
        response: { 200: AnnotationQueueItem, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => queues.updateItem(projectIdOf(request), request.params.queueId, request.params.itemId, request.body),
  );

  app.delete(
    "/annotation-queues/:queueId/items/:itemId",
    {
      schema: {
        ...common,
        description: "Remove an item from an annotation queue",
        operationId: "annotationQueues_deleteQueueItem",
        params: AnnotationQueueItemParams,
        querystring: NoAnnotationQueueQuery,
        response: { 200: DeleteAnnotationQueueItemResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => queues.deleteItem(projectIdOf(request), request.params.queueId, request.params.itemId),
  );

  app.post(
    "/annotation-queues/:queueId/assignments",
    {
      schema: {
        ...common,
        description: "Assign a member of the project's organization to an annotation queue; assigning again changes nothing",
        operationId: "annotationQueues_createQueueAssignment",
        params: AnnotationQueueParams,
        querystring: NoAnnotationQueueQuery,
        body: AnnotationQueueAssignmentRequest,
        response: { 200: CreateAnnotationQueueAssignmentResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => queues.assign(queueScope(request), request.params.queueId, request.body.userId),
  );

  app.delete(
    "/annotation-queues/:queueId/assignments",
    {
      schema: {
        ...common,
        description: "Unassign a user from an annotation queue (JSON body); succeeds whether or not they were assigned",
        operationId: "annotationQueues_deleteQueueAssignment",
        params: AnnotationQueueParams,
        querystring: NoAnnotationQueueQuery,
        body: AnnotationQueueAssignmentRequest,
        response: { 200: DeleteAnnotationQueueAssignmentResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => queues.unassign(queueScope(request), request.params.queueId, request.body.userId),
  );
};
