import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, type TestApp } from "./support/harness.ts";

describe("HTTP behaviour shared by every route", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  it("answers health with the reference's shape", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/public/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "OK", version: "test" });
    expectReferenceResponse({ method: "GET", path: "/api/public/health" }, 200, response.json());
  });

  it("answers readiness until the server starts shutting down", async () => {
    expect((await t.app.inject({ method: "GET", url: "/api/public/ready" })).json()).toEqual({ status: "OK", version: "test" });
    t.services.lifecycle.shuttingDown = true;
    try {
      const response = await t.app.inject({ method: "GET", url: "/api/public/ready" });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ status: "SIGTERM / SIGINT received, shutting down", version: "test" });
    } finally {
      t.services.lifecycle.shuttingDown = false;
    }
  });

  it("answers health on other methods too, as the reference does", async () => {
    const response = await t.app.inject({ method: "POST", url: "/api/public/health" });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe("OK");
  });

  it("returns the key's project in the reference's shape", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/public/projects", headers: { authorization: t.project.basic } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/projects" }, 200, body);
    expect(body).toEqual({ data: [{ id: t.project.id, name: "test-project", organization: { id: t.project.orgId, name: "Test Org" }, metadata: {} }] });
  });

  it("answers unknown /api/public routes with a JSON 404", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/public/does-not-exist", headers: { authorization: t.project.basic } });
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toMatch(/application\/json/);
    expect(response.json()).toEqual({ message: "Route GET /api/public/does-not-exist not found", error: "LangfuseNotFoundError" });
  });

  it("answers a known path with a wrong method with 405 before authenticating", async () => {
    const response = await t.app.inject({ method: "DELETE", url: "/api/public/projects" });
    expect(response.statusCode).toBe(405);
    expect(response.json()).toEqual({ message: "Method not allowed", error: "MethodNotAllowedError" });
  });

  it("treats HEAD like any method without a handler", async () => {
    const response = await t.app.inject({ method: "HEAD", url: "/api/public/projects" });
    expect(response.statusCode).toBe(405);
  });

  it("routes long path parameters, and answers routing errors in the API's error shape", async () => {
    const name = "p".repeat(500);
    const created = await t.app.inject({
      method: "POST",
      url: "/api/public/v2/prompts",
      headers: { authorization: t.project.basic },
      payload: { name, prompt: "hello", labels: ["production"] },
    });
    expect(created.statusCode).toBe(201);
    const fetched = await t.app.inject({ method: "GET", url: `/api/public/v2/prompts/${name}`, headers: { authorization: t.project.basic } });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.json().name).toBe(name);

    const tooLong = await t.app.inject({ method: "GET", url: `/api/public/traces/${"t".repeat(20_000)}`, headers: { authorization: t.project.basic } });
    expect(tooLong.statusCode).toBe(414);
    expect(tooLong.json()).toEqual({ message: "A path parameter is longer than 16384 characters", error: "URITooLongError" });

    const badUrl = await t.app.inject({ method: "GET", url: "/api/public/traces/%E0%A4%A", headers: { authorization: t.project.basic } });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json()).toEqual({ message: "Invalid URL: /api/public/traces/%E0%A4%A", error: "InvalidRequestError" });
  });

  it("refuses an oversize body with a JSON 413", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/health",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ padding: "x".repeat(1024 * 1024 + 10) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ message: "Request body exceeds the limit of 1048576 bytes", error: "PayloadTooLargeError" });
  });

  it("refuses malformed JSON with a 400 that says so", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/health",
      headers: { "content-type": "application/json" },
      payload: '{"batch": [',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^Invalid JSON/);
    expect(response.json().error).toBe("InvalidRequestError");
  });

  describe("CORS", () => {
    it("reflects the origin without credentials", async () => {
      const response = await t.app.inject({
        method: "GET",
        url: "/api/public/health",
        headers: { origin: "https://app.example.com" },
      });
      expect(response.headers["access-control-allow-origin"]).toBe("https://app.example.com");
      expect(response.headers["access-control-allow-credentials"]).toBeUndefined();
      expect(response.headers.vary).toMatch(/Origin/);
    });

    it("sends no allow-origin header without an Origin", async () => {
      const response = await t.app.inject({ method: "GET", url: "/api/public/health" });
      expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    });

    it("answers every OPTIONS as a preflight before auth, reflecting requested headers", async () => {
      const response = await t.app.inject({
        method: "OPTIONS",
        url: "/api/public/projects",
        headers: { origin: "https://app.example.com", "access-control-request-headers": "authorization,x-langfuse-sdk-name" },
      });
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe("");
      expect(response.headers["access-control-allow-methods"]).toBe("GET, HEAD, PUT, PATCH, POST, DELETE");
      expect(response.headers["access-control-allow-headers"]).toBe("authorization,x-langfuse-sdk-name");
    });

    it("adds no CORS headers on the admin API", async () => {
      const response = await t.app.inject({ method: "GET", url: "/api/admin/organizations", headers: { origin: "https://app.example.com" } });
      expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    });
  });

  it("sends the site-wide security headers and a request id", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/public/health", headers: { "x-request-id": "req-123" } });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(response.headers["x-request-id"]).toBe("req-123");
  });

  it("serves its OpenAPI document and the Swagger UI", async () => {
    const document = await t.app.inject({ method: "GET", url: "/docs/json" });
    expect(document.statusCode).toBe(200);
    expect(Object.keys(document.json().paths)).toContain("/api/public/projects");
    const ui = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers["content-type"]).toMatch(/text\/html/);
  });
});
