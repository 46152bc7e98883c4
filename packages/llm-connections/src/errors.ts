import { InvalidRequestError, NotFoundError } from "@wick/errors";

/** An LLM connection the request describes that Wick must not store (400). */
export class InvalidLlmConnectionError extends InvalidRequestError {}

/** No such connection in the key's project (404). */
export class LlmConnectionNotFoundError extends NotFoundError {}
