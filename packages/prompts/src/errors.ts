/** A request the reference refuses with 400 `InvalidRequestError`; the message is the reference's. */
export class InvalidPromptRequestError extends Error {}

/** No prompt, version or label matched (404). */
export class PromptNotFoundError extends Error {}

/** A stored prompt that no longer resolves: a composed prompt was deleted, moved or made cyclic (409). */
export class PromptConflictError extends Error {}

/** Why a composition cannot be resolved; a 400 when creating, a 409 when reading. */
export class PromptResolutionError extends Error {}
