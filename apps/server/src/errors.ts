/**
 * The domain kinds (invalid, not found, conflict, too expensive) come from @wick/errors, which
 * every package extends; the error handler gives each kind its status in one table.
 */
export { ConflictError, DomainError, InvalidRequestError, NotFoundError } from "@wick/errors";

/**
 * Errors of the HTTP layer alone (authentication, overload), which state their status and the
 * error name the reference uses, so clients can tell the cases apart.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errorName: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = "Forbidden") {
    super(403, message, "ForbiddenError");
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(message = "Service Unavailable") {
    super(503, message, "ServiceUnavailableError");
  }
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE", "57P01", "57P03", "53300"]);
const UNAVAILABLE_MESSAGES = /did not answer within|Connection terminated|connection (?:is )?closed|store is closed|timeout exceeded|socket hang up|Timeout error/i;

/** True for errors that mean a store cannot be reached, as opposed to a bug or a bad query. */
export function isStoreUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
  if (UNAVAILABLE_MESSAGES.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== error && isStoreUnavailable(error.cause);
}
