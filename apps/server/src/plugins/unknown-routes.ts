import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

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
 * does), otherwise a JSON 404, so clients never have to parse an HTML page.
 */
export function installUnknownRouteHandler(app: FastifyInstance): void {
  const routes: Array<{ pattern: RegExp }> = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.includes("OPTIONS") && route.url.endsWith("*")) return;
    routes.push({ pattern: patternToRegExp(route.url) });
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0] ?? "";
    if (routes.some((route) => route.pattern.test(path))) {
      return reply.status(405).send({ message: "Method not allowed", error: "MethodNotAllowedError" });
    }
    return reply.status(404).send({ message: `Route ${request.method} ${path} not found`, error: "LangfuseNotFoundError" });
  });
}
