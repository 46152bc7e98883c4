import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";

export class AdminAuthError extends Error {
  constructor(
    readonly statusCode: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Guards every route of the scope with `Authorization: Bearer $ADMIN_API_KEY`. Without a
 * configured key the admin API stays closed (403), as in the reference.
 */
export function installAdminAuth(app: FastifyInstance, adminApiKey: string | undefined): void {
  app.addHook("onRequest", async (request) => {
    const header = request.headers.authorization;
    if (!header) throw new AdminAuthError(401, "Unauthorized: No authorization header provided");
    if (!adminApiKey) throw new AdminAuthError(403, "ADMIN_API_KEY is not set");
    const [scheme, token] = header.split(" ");
    if (scheme !== "Bearer" || token === undefined || !sameSecret(token, adminApiKey)) {
      throw new AdminAuthError(401, "Unauthorized: Invalid token");
    }
  });
}
