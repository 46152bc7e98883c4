import { ConflictError, InvalidRequestError, NotFoundError } from "@wick/errors";

/** A request the reference refuses with 400 `InvalidRequestError`; the message is the reference's. */
export class InvalidPromptRequestError extends InvalidRequestError {}

/** No prompt, version or label matched (404). */
export class PromptNotFoundError extends NotFoundError {}

/** A stored prompt that no longer resolves: a composed prompt was deleted, moved or made cyclic (409). */
export class PromptConflictError extends ConflictError {}

/**
 * Why a composition cannot be resolved. Of no kind by itself: the same failure is the request's
 * fault when creating (400) and the stored data's when reading (409), so the service says which.
 */
export class PromptResolutionError extends Error {}
