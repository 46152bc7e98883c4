import { ConflictError, InvalidRequestError, NotFoundError } from "@wick/errors";

/** A request upstream refuses with 400 `InvalidRequestError`; the message is upstream's. */
export class InvalidDatasetRequestError extends InvalidRequestError {}

/** No dataset or item with that name or id in the project (404). */
export class DatasetNotFoundError extends NotFoundError {}

/** An item id taken by another dataset, or a write that lost a race for the same item (409). */
export class DatasetConflictError extends ConflictError {}
