export { AnnotationQueues, type QueueScope } from "./service.ts";
export { AnnotationQueueConflictError, AnnotationQueueNotFoundError, InvalidAnnotationQueueRequestError } from "./errors.ts";
