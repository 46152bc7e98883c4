export { AnnotationQueues } from "./service.ts";
export { AnnotationQueueConflictError, AnnotationQueueNotFoundError, InvalidAnnotationQueueRequestError } from "./errors.ts";
