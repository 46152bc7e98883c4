/**
 * What went wrong, in words every package can use without knowing HTTP. The server gives each kind
 * its status and the reference's error name in one table; packages extend the kinds with their own
 * classes and messages.
 */
export type DomainErrorKind = "invalid" | "notFound" | "conflict" | "tooExpensive" | "forbidden" | "unprocessable";

/**
 * What the unstable API adds to an error (resources.md §9.1): a precise `code` beyond the kind's
 * own, and structured `details` such as the failing field and its allowed values. Other routes
 * answer the message alone.
 */
export interface ErrorDetails extends ErrorOptions {
  code?: string;
  details?: Record<string, unknown>;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly code: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, extra: ErrorDetails = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = extra.code;
    this.details = extra.details;
  }
}

/** The request is the client's to fix; the message says what is wrong with it. */
export class InvalidRequestError extends DomainError {
  readonly kind = "invalid";
}

/** Something the request names does not exist (in the caller's project). */
export class NotFoundError extends DomainError {
  readonly kind = "notFound";
}

/** The request clashes with what is stored: a name taken, or stored data that no longer fits together. */
export class ConflictError extends DomainError {
  readonly kind = "conflict";
}

/** A valid request that costs more than the stores allow for one answer; the client should narrow it. */
export class TooExpensiveError extends DomainError {
  readonly kind = "tooExpensive";
}

/** The caller may not do this here: a feature the deployment has switched off, say. */
export class ForbiddenActionError extends DomainError {
  readonly kind = "forbidden";
}

/** A well-formed request the server cannot act on as stored things stand, such as an evaluator whose model cannot run. */
export class UnprocessableError extends DomainError {
  readonly kind = "unprocessable";
}
