import { AuthError, authMessages } from "./errors.ts";

export type ParsedAuthorization = { scheme: "basic"; token: string } | { scheme: "bearer"; token: string };

/**
 * Splits an `Authorization` header by scheme the way Langfuse does: the scheme words are
 * case-sensitive, and anything else is refused before any key is looked up.
 */
export function parseAuthorizationHeader(header: string | undefined): ParsedAuthorization {
  if (!header) throw new AuthError(authMessages.noHeader);
  if (header.startsWith("Basic ")) return { scheme: "basic", token: header.slice("Basic ".length) };
  if (header.startsWith("Bearer ")) return { scheme: "bearer", token: header.slice("Bearer ".length) };
  throw new AuthError(authMessages.invalidHeader);
}
