import { describe, expect, it } from "vitest";
import { openPostgres } from "@wick/postgres";
import { buildApp } from "../src/app.ts";
import { createServices } from "../src/services.ts";
import { basicAuthHeader, createTestApp, openTestClickHouse, postgresModes, testMediaConfig } from "./support/harness.ts";

describe.each(postgresModes())("a Postgres store that goes down (%s)", (mode) => {
  it("turns health and authenticated routes into 503s, without hanging", async () => {
    const t = await createTestApp(mode);
    try {
      const other = await t.createProject();
      await t.stores.postgres.close();
      const health = await t.app.inject({ method: "GET", url: "/api/public/health" });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toEqual({ status: "Database not available", version: "test" });

      // A key the instance has not verified yet needs the database.
      const projects = await t.app.inject({ method: "GET", url: "/api/public/projects", headers: { authorization: other.basic } });
      expect(projects.statusCode).toBe(503);
      expect(projects.json()).toEqual({ message: "Service Unavailable", error: "ServiceUnavailableError" });
    } finally {
      await t.close();
    }
  });
});

describe("a Postgres server that cannot be reached", () => {
  it("answers 503 on health and on routes that need it", async () => {
    const unreachable = await openPostgres({ kind: "server", url: "postgres://wick:wick@127.0.0.1:9/wick" });
    const clickhouse = await openTestClickHouse();
    const stores = { postgres: unreachable, clickhouse };
    try {
      // With the database unreachable the salt cannot be read from it, so it is configured.
      const services = await createServices(stores, { salt: "s", apiKeyCacheTtlMs: 0, version: "test", media: testMediaConfig() });
      const app = await buildApp(services, { logLevel: "silent" });
      const health = await app.inject({ method: "GET", url: "/api/public/health" });
      expect(health.statusCode).toBe(503);
      expect(health.json().status).toBe("Database not available");
      const projects = await app.inject({
        method: "GET",
        url: "/api/public/projects",
        headers: { authorization: basicAuthHeader("pk-lf-a", "sk-lf-b") },
      });
      expect(projects.statusCode).toBe(503);
      await app.close();
    } finally {
      await unreachable.close();
      await clickhouse.close();
    }
  });
});
