import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, createTestApp, type TestApp } from "./support/harness.ts";

const ADMIN_API_KEY = "admin-key-for-tests";

/**
 * Two Wick instances on one Postgres server, each caching verified keys for five minutes: a key
 * deleted through either must stop working on both by the time the delete is answered. Embedded
 * PGlite belongs to one process, so there is no second instance to test there.
 */
describe.skipIf(!process.env.DATABASE_URL)("deleted API keys on two Wick instances sharing a Postgres server", () => {
  let first: TestApp;
  let second: TestApp;
  let orgKey: string;
  beforeAll(async () => {
    first = await createTestApp("server", { adminApiKey: ADMIN_API_KEY });
    second = await createTestApp("server", { stores: first.stores, adminApiKey: ADMIN_API_KEY });
    // Spies that call through: the verifier's reads still go to Postgres, and are counted.
    vi.spyOn(second.services.repositories.apiKeys, "findByPublicKey");
    vi.spyOn(second.services.repositories.apiKeys, "findByFastHash");
    const key = await issueApiKey(first.services.repositories.apiKeys, first.services.salt, { scope: "ORGANIZATION", organizationId: first.project.orgId });
    orgKey = basicAuthHeader(key.publicKey, key.secretKey);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const call = (instance: TestApp, method: "GET" | "POST" | "DELETE", url: string, authorization: string, payload?: object) =>
    instance.app.inject({ method, url, headers: { authorization }, ...(payload ? { payload } : {}) });
  /** What an instance answers to a project key: 200 while it authenticates, 401 once it does not. */
  const status = async (instance: TestApp, basic: string) => (await call(instance, "GET", "/api/public/projects", basic)).statusCode;
  const bothCaching = () =>
    vi.waitFor(
      () => {
        expect(first.services.keyRevocations.cacheTrusted()).toBe(true);
        expect(second.services.keyRevocations.cacheTrusted()).toBe(true);
      },
      { timeout: 20_000, interval: 50 },
    );
  const newProjectKey = async (projectId = first.project.id) => {
    const response = await call(first, "POST", `/api/public/projects/${projectId}/apiKeys`, orgKey, {});
    expect(response.statusCode).toBe(201);
    const key = response.json() as { id: string; publicKey: string; secretKey: string };
    return { id: key.id, basic: basicAuthHeader(key.publicKey, key.secretKey) };
  };
  /** Makes both instances cache the key, and proves that they answer from the cache. */
  const cachedOnBoth = async (basic: string) => {
    await bothCaching();
    expect(await status(first, basic)).toBe(200);
    expect(await status(second, basic)).toBe(200);
    const lookupsBefore = keyLookups();
    for (let i = 0; i < 5; i += 1) expect(await status(second, basic)).toBe(200);
    expect(keyLookups()).toBe(lookupsBefore);
  };
  /**
   * How many times the second instance has read a key from Postgres (each uncached verification
   * does). Counted at the repository, which the verifier calls, rather than in Postgres' table
   * statistics: other connections report those lazily, up to seconds late.
   */
  const keyLookups = () => {
    const keys = second.services.repositories.apiKeys;
    return [vi.mocked(keys.findByPublicKey), vi.mocked(keys.findByFastHash)].reduce((sum, spy) => sum + spy.mock.calls.length, 0);
  };
  /** Deletes a key with the revocation trigger off, as replication apply or an older Wick would. */
  const deleteUnnoticed = (keyId: string) =>
    first.stores.postgres.withConnection(async (_db, execute) => {
      await execute("BEGIN");
      await execute("SET LOCAL session_replication_role = replica");
      await execute("DELETE FROM api_keys WHERE id = $1", [keyId]);
      await execute("COMMIT");
    });
  const killListeners = () =>
    first.stores.postgres.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'wick key cache'");

  it("stops a project key on the other instance by the time its delete is answered", async () => {
    const key = await newProjectKey();
    await cachedOnBoth(key.basic);
    const deleted = await call(first, "DELETE", `/api/public/projects/${first.project.id}/apiKeys/${key.id}`, orgKey);
    expect(deleted.statusCode).toBe(200);
    expect(await status(second, key.basic)).toBe(401);
    expect(await status(first, key.basic)).toBe(401);
  });

  it("stops every key of a deleted project on the other instance by the time the 202 is sent", async () => {
    const created = await call(first, "POST", "/api/public/projects", orgKey, { name: "doomed project" });
    expect(created.statusCode).toBe(201);
    const projectId = created.json().id as string;
    const keys = [await newProjectKey(projectId), await newProjectKey(projectId)];
    for (const key of keys) await cachedOnBoth(key.basic);
    expect((await call(second, "DELETE", `/api/public/projects/${projectId}`, orgKey)).statusCode).toBe(202);
    for (const key of keys) {
      expect(await status(first, key.basic)).toBe(401);
      expect(await status(second, key.basic)).toBe(401);
    }
  });

  it("hears a key deleted straight in Postgres (an operator's SQL), and the admin API's invalidation", async () => {
    const key = await newProjectKey();
    await cachedOnBoth(key.basic);
    await first.stores.postgres.execute("DELETE FROM api_keys WHERE id = $1", [key.id]);
    await vi.waitFor(async () => expect(await status(second, key.basic)).toBe(401), { timeout: 5_000, interval: 20 });

    // Deleted with the trigger off: only `invalidate` can tell the caches, and it tells both.
    const unnoticed = await newProjectKey();
    await cachedOnBoth(unnoticed.basic);
    await deleteUnnoticed(unnoticed.id);
    await sleep(200);
    expect(await status(second, unnoticed.basic)).toBe(200);
    const invalidated = await call(first, "POST", "/api/admin/api-keys", `Bearer ${ADMIN_API_KEY}`, { action: "invalidate", projectIds: [first.project.id] });
    expect(invalidated.statusCode).toBe(200);
    expect(await status(second, unnoticed.basic)).toBe(401);
  });

  it("trusts no key cached before its listening connection was cut, while it is cut or after it is back", async () => {
    const [whileCut, afterReconnect, kept] = [await newProjectKey(), await newProjectKey(), await newProjectKey()];
    for (const key of [whileCut, afterReconnect, kept]) await cachedOnBoth(key.basic);
    await killListeners();
    await vi.waitFor(() => expect(second.services.keyRevocations.cacheTrusted()).toBe(false), { timeout: 5_000, interval: 10 });
    // Nothing tells the instances of these deletes: only the end of the session they were cached in.
    await deleteUnnoticed(whileCut.id);
    expect(await status(second, whileCut.basic)).toBe(401);
    await bothCaching();
    await deleteUnnoticed(afterReconnect.id);
    expect(await status(second, afterReconnect.basic)).toBe(401);
    expect(await status(second, kept.basic)).toBe(200);
  });
});
