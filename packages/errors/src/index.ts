/**
 * What went wrong, in words every package can use without knowing HTTP. The server gives each kind
 * its status and the reference's error name in one table; packages extend the kinds with their own
 * classes and messages.
 */
export type DomainErrorKind = "invalid" | "notFound" | "conflict" | "tooExpensive";

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
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
