import { InvalidRequestError, NotFoundError } from "@wick/errors";

/** A request the reference refuses with 400 `InvalidRequestError`; the message says why. */
export class InvalidScoresRequestError extends InvalidRequestError {}

/** Something a request names does not exist in the project (404 `LangfuseNotFoundError`). */
export class ScoresNotFoundError extends NotFoundError {}
