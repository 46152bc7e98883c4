import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";

const ADMIN_API_KEY = "admin-key-for-tests";

/** `POST /api/admin/api-keys` (auth-admin.md §4.4): deleting projects' keys and dropping cached ones. */
describe.each(postgresModes())("admin API keys (%s Postgres)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode, { adminApiKey: ADMIN_API_KEY });
  });
  afterAll(async () => t?.close());

  const admin = (payload: unknown, authorization: string | null = `Bearer ${ADMIN_API_KEY}`) =>
    t.app.inject({ method: "POST", url: "/api/admin/api-keys", headers: authorization === null ? {} : { authorization }, payload: payload as object });
  const traces = (project: TestProject) => t.app.inject({ method: "GET", url: "/api/public/traces", headers: { authorization: project.basic } });
  /**
   * A key removed behind this instance's back and without telling the instances: the revocation
   * trigger is off for the delete, as replication apply or an older Wick would leave it.
   */
  const removeBehindCache = (project: TestProject) =>
    t.stores.postgres.withConnection(async (_db, execute) => {
      await execute("begin");
      await execute("set local session_replication_role = replica");
      await execute("delete from api_keys where project_id = $1", [project.id]);
      await execute("commit");
    });

  it("deletes the keys of the projects named, which stop working at once, and no others", async () => {
    const [first, second, kept] = [await t.createProject(), await t.createProject(), await t.createProject()];
    for (const project of [first, second, kept]) expect((await traces(project)).statusCode).toBe(200);
    const response = await admin({ action: "delete", projectIds: [first.id, second.id] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ message: "API keys deleted" });
    expect((await traces(first)).statusCode).toBe(401);
    expect((await traces(second)).statusCode).toBe(401);
    expect((await traces(kept)).statusCode).toBe(200);
    expect(await t.stores.postgres.execute("select count(*)::int as n from api_keys where project_id = any($1)", [[first.id, second.id]])).toEqual([{ n: 0 }]);
  });

  it("forgets the cached keys of the projects named, so a key deleted elsewhere stops working", async () => {
    const [stale, other] = [await t.createProject(), await t.createProject()];
    await vi.waitFor(() => expect(t.services.keyRevocations.cacheTrusted()).toBe(true), { timeout: 20_000 });
    expect((await traces(stale)).statusCode).toBe(200);
    expect((await traces(other)).statusCode).toBe(200);
    await removeBehindCache(stale);
    await removeBehindCache(other);
    // Cached: still trusted until the cache is told.
    expect((await traces(stale)).statusCode).toBe(200);
    const response = await admin({ action: "invalidate", projectIds: [stale.id] });
    expect(response.json()).toEqual({ message: "API keys invalidated" });
    expect((await traces(stale)).statusCode).toBe(401);
    expect((await traces(other)).statusCode).toBe(200);

    const all = await admin({ action: "invalidate-all" });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({ message: "All cached API keys invalidated", invalidatedCount: expect.any(Number) });
    expect(all.json().invalidatedCount).toBeGreaterThanOrEqual(1);
    expect((await traces(other)).statusCode).toBe(401);
    expect((await admin({ action: "invalidate-all" })).json().invalidatedCount).toBe(0);
  });

  it("refuses a body of the wrong shape with its issues, and a request without the admin key", async () => {
    for (const body of [{ action: "delete" }, { action: "delete", projectIds: [] }, { action: "rotate" }, {}]) {
      const response = await admin(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]));
    }
    const unauthenticated = await admin({ action: "invalidate-all" }, null);
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.json()).toEqual({ error: "Unauthorized: No authorization header provided" });
  });
});
