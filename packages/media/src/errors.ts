import { InvalidRequestError, NotFoundError } from "@wick/errors";

/** A request the reference refuses with 400; the message is the reference's where it has one. */
export class InvalidMediaRequestError extends InvalidRequestError {}

/** No such media in the project, or none that can be downloaded yet (404). */
export class MediaNotFoundError extends NotFoundError {}
