import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** Where `npm run build:web` writes the browser UI. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Wick</title></head>
<body><h1>Wick is running</h1>
<p>The web UI has not been built. Run <code>npm run build:web</code> in the checkout, then reload this page.</p>
<p>The API answers at <code>/api/public</code>; its documentation is at <a href="/docs">/docs</a>.</p>
</body></html>
`;

export interface WebUi {
  /** Registers the built files, one route each; nothing when the UI was not built. */
  assets(app: FastifyInstance): Promise<void>;
  /** The page a browser gets for a path no route takes (a client-side route), or null when the request is not a page load. */
  page(request: FastifyRequest): string | null;
}

/**
 * The browser UI at `/`. Its pages are answered from the unknown-route handler rather than by a
 * wildcard route: a wildcard would also catch what the router refuses under /api (an overlong path
 * parameter), and every /api answer must stay as it was before the UI existed.
 */
export function loadWebUi(dir: string): WebUi {
  const indexFile = join(dir, "index.html");
  // Read once: the asset routes are also fixed at start, and index.html names those assets.
  const index = existsSync(indexFile) ? readFileSync(indexFile, "utf8") : null;
  return {
    async assets(app) {
      if (index === null) return;
      await app.register(fastifyStatic, {
        root: dir,
        wildcard: false,
        index: false,
        setHeaders: (reply, path) => {
          // Vite names assets by content hash, so a file never changes under its name.
          if (path.includes("/assets/")) reply.header("cache-control", "public, max-age=31536000, immutable");
        },
      });
    },
    page(request) {
      const path = request.url.split("?")[0] ?? "";
      if (request.method !== "GET" || path === "/api" || path.startsWith("/api/")) return null;
      if (!(request.headers.accept ?? "").includes("text/html")) return null;
      return index ?? NOT_BUILT_PAGE;
    },
  };
}
