import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/harness.ts";

const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

describe("the browser UI beside the API", () => {
  let dir: string;
  let t: TestApp;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wick-web-"));
    await mkdir(join(dir, "assets"));
    await writeFile(join(dir, "index.html"), "<!doctype html><title>ui</title><div id=root></div>");
    await writeFile(join(dir, "assets", "index-abc123.js"), "console.log('ui')");
    t = await createTestApp("embedded", { webDir: dir });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves index.html at / and for any page a browser opens", async () => {
    for (const url of ["/", "/traces", "/traces/some-trace?observation=x"]) {
      const response = await t.app.inject({ method: "GET", url, headers: HTML });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers["content-type"]).toMatch(/^text\/html/);
      expect(response.body).toContain("<div id=root></div>");
    }
  });

  it("serves the hashed assets as immutable files", async () => {
    const response = await t.app.inject({ method: "GET", url: "/assets/index-abc123.js" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/javascript/);
    expect(response.headers["cache-control"]).toContain("immutable");
    expect(response.body).toBe("console.log('ui')");
  });

  it("leaves every /api path and non-page request to the JSON 404 and 405 answers", async () => {
    const unknownApi = await t.app.inject({ method: "GET", url: "/api/public/no-such-thing", headers: HTML });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json()).toEqual({ message: "Route GET /api/public/no-such-thing not found", error: "LangfuseNotFoundError" });
    const unknownPost = await t.app.inject({ method: "POST", url: "/api/public/no-such-thing", payload: {} });
    expect(unknownPost.statusCode).toBe(404);
    const otherMethod = await t.app.inject({ method: "GET", url: "/api/public/ingestion" });
    expect(otherMethod.statusCode).toBe(405);
    expect(otherMethod.json()).toMatchObject({ message: "Method not allowed" });
    const script = await t.app.inject({ method: "GET", url: "/assets/missing.js" });
    expect(script.statusCode).toBe(404);
    expect(script.json()).toMatchObject({ error: "LangfuseNotFoundError" });
    const postToPage = await t.app.inject({ method: "POST", url: "/traces", headers: HTML, payload: {} });
    expect(postToPage.statusCode).toBe(404);
  });

  it("still answers the API itself", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/public/projects", headers: { authorization: t.project.basic } });
    expect(response.statusCode).toBe(200);
    expect(response.json().data[0].id).toBe(t.project.id);
  });
});

describe("a server whose UI was not built", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded", { webDir: join(tmpdir(), "wick-web-never-built") });
  });
  afterAll(async () => t?.close());

  it("starts and says at / how to build the UI", async () => {
    const response = await t.app.inject({ method: "GET", url: "/", headers: HTML });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.body).toContain("npm run build:web");
    const api = await t.app.inject({ method: "GET", url: "/api/public/health" });
    expect(api.statusCode).toBe(200);
  });
});
