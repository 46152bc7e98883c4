import { ConflictError, InvalidRequestError, NotFoundError } from "@wick/errors";

/** A queue the request describes that cannot be stored as it is (400). */
export class InvalidAnnotationQueueRequestError extends InvalidRequestError {}

/** No such queue, item or assignable user in the key's project (404). */
export class AnnotationQueueNotFoundError extends NotFoundError {}

/** Two creations of one queue name raced; the loser may retry (409). */
export class AnnotationQueueConflictError extends ConflictError {}
