import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { UNSTABLE_PREFIX, unstableError } from "./unstable-errors.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** What a request with another method on this route's path is told; the reference words it per family. */
    methodNotAllowedBody?: Record<string, unknown>;
  }
}

const METHOD_NOT_ALLOWED = { message: "Method not allowed", error: "MethodNotAllowedError" };

/** Matches concrete paths against route patterns such as `/api/public/traces/:traceId`. */
function patternToRegExp(url: string): RegExp {
  const source = url
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment === "*" ? ".*" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}/?$`);
}

/**
 * Answers requests no route takes: 405 when the path exists with other methods (as the reference
 * does), otherwise a JSON 404, so clients never have to parse an HTML page. Under the unstable
 * prefix both take that API's error contract. `pages` may claim a browser's page load first (the
 * web UI's client-side routes); it must decline every path under /api.
 */
export function installUnknownRouteHandler(app: FastifyInstance, pages: (request: FastifyRequest) => string | null = () => null): void {
  const routes: Array<{ pattern: RegExp; methodNotAllowedBody?: Record<string, unknown> }> = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.includes("OPTIONS") && route.url.endsWith("*")) return;
    routes.push({ pattern: patternToRegExp(route.url), methodNotAllowedBody: route.config?.methodNotAllowedBody });
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const page = pages(request);
    if (page !== null) return reply.type("text/html; charset=utf-8").send(page);
    const path = request.url.split("?")[0] ?? "";
    const unstable = path.startsWith(`${UNSTABLE_PREFIX}/`);
    const matching = routes.filter((route) => route.pattern.test(path));
    if (matching.length > 0) {
      const declared = matching.find((route) => route.methodNotAllowedBody)?.methodNotAllowedBody;
      return reply.status(405).send(declared ?? (unstable ? unstableError(405, "Method not allowed").body : METHOD_NOT_ALLOWED));
    }
    const message = `Route ${request.method} ${path} not found`;
    return reply.status(404).send(unstable ? unstableError(404, message).body : { message, error: "LangfuseNotFoundError" });
  });
}
