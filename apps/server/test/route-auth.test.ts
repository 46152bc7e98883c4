import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeTable } from "../src/introspection.ts";
import { createTestApp, type TestApp } from "./support/harness.ts";

/** The routes anyone may call. Every other `/api/public` route must refuse a request without a key. */
const PUBLIC_ROUTES = new Set(["GET /api/public/health", "GET /api/public/ready"]);

const NO_HEADER = "No authorization header";
const NAMED = { message: NO_HEADER, error: "UnauthorizedError" };
/** Route families that word the refusal otherwise, as the reference does; all others answer `{message}`. */
const FAMILY_BODIES: Record<string, object> = {
  "POST /api/public/ingestion": NAMED,
  "GET /api/public/v2/prompts": NAMED,
  "POST /api/public/v2/prompts": NAMED,
  "GET /api/public/v2/prompts/{promptName}": NAMED,
  "DELETE /api/public/v2/prompts/{promptName}": NAMED,
  "GET /api/public/organizations/projects": { error: NO_HEADER },
  "GET /api/public/organizations/apiKeys": { error: NO_HEADER },
  "GET /api/public/integrations/blob-storage": NAMED,
  "PUT /api/public/integrations/blob-storage": NAMED,
  "GET /api/public/integrations/blob-storage/{id}": NAMED,
  "DELETE /api/public/integrations/blob-storage/{id}": NAMED,
};

/** The unstable routes answer in their own contract (resources.md §9.1). */
const UNSTABLE_BODY = { message: NO_HEADER, code: "authentication_failed" };
/** SCIM answers in its own error schema (auth-admin.md §3.1). */
const SCIM_BODY = { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], detail: NO_HEADER, status: 401 };
/** Families that share a body by path: the membership routes answer `{error}` as the organization routes do. */
const BODIES_BY_PATH: Array<[RegExp, object]> = [
  [/^\/api\/public\/unstable\//, UNSTABLE_BODY],
  [/^\/api\/public\/scim\//, SCIM_BODY],
  [/^\/api\/public\/(organizations|projects\/\{projectId\})\/memberships$/, { error: NO_HEADER }],
];
const familyBody = (route: string) => {
  const path = route.split(" ")[1]!;
  return FAMILY_BODIES[route] ?? BODIES_BY_PATH.find(([pattern]) => pattern.test(path))?.[1] ?? { message: NO_HEADER };
};

type Operation = { security?: Array<Record<string, unknown>> };

// The table is read from the OpenAPI document: every route the server documents, which is every
// route but the health check's undocumented methods and CORS preflights.
const routes = (await routeTable()).filter((route) => route.url.startsWith("/api/public/")).map((route) => `${route.method} ${route.url}`);

describe("authentication over the route table", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  const call = (route: string, authorization?: string) => {
    const [method, url] = route.split(" ") as [string, string];
    return t.app.inject({
      method: method as "GET",
      url: url.replace(/\{[^}]+\}/g, "any"),
      headers: authorization === undefined ? {} : { authorization },
    });
  };
  const operation = (route: string): Operation => {
    const [method, url] = route.split(" ") as [string, string];
    const document = t.app.swagger() as { paths: Record<string, Record<string, Operation>> };
    return document.paths[url]![method.toLowerCase()]!;
  };

  it("covers the routes it names", () => {
    for (const route of [...PUBLIC_ROUTES, ...Object.keys(FAMILY_BODIES)]) expect(routes).toContain(route);
  });

  it.each(routes.filter((route) => !PUBLIC_ROUTES.has(route)))("%s answers 401 without credentials, in its family's words", async (route) => {
    const response = await call(route);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual(familyBody(route));
  });

  it.each(routes.filter((route) => !PUBLIC_ROUTES.has(route)))("%s documents Bearer exactly when it takes a public key alone", async (route) => {
    const response = await call(route, `Bearer ${t.project.publicKey}`);
    const takesPublicKey = response.statusCode !== 401 && response.statusCode !== 403;
    expect(operation(route).security).toEqual(takesPublicKey ? [{ BasicAuth: [] }, { BearerAuth: [] }] : [{ BasicAuth: [] }]);
  });

  it.each([...PUBLIC_ROUTES])("%s answers without credentials and documents no security", async (route) => {
    expect((await call(route)).statusCode).toBe(200);
    expect(operation(route).security).toBeUndefined();
  });
});
