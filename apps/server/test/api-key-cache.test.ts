import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyVerifier, type KeyLookup } from "@wick/auth";
import { createTestApp, type TestApp, type TestProject } from "./support/harness.ts";

/** When the verifier may answer from its cache, over the real key table (embedded Postgres). */
describe("the API key cache's periods of trust", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  const verifierWith = (trustPeriod: () => object | undefined, keys: KeyLookup = t.services.repositories.apiKeys) =>
    new ApiKeyVerifier(keys, { salt: t.services.salt, cacheTtlMs: 300_000, trustPeriod });
  const removeKeys = (project: TestProject) => t.stores.postgres.execute("DELETE FROM api_keys WHERE project_id = $1", [project.id]);
  const outcome = (verifier: ApiKeyVerifier, project: TestProject) =>
    verifier.verifyBasic(project.publicKey, project.secretKey).then(
      (scope) => scope.projectId,
      (error: Error) => error.message,
    );

  it("uses a cached key only in the period it was cached in", async () => {
    const project = await t.createProject();
    let period: object = {};
    const verifier = verifierWith(() => period);
    expect(await outcome(verifier, project)).toBe(project.id);
    await removeKeys(project);
    expect(await outcome(verifier, project)).toBe(project.id);
    period = {};
    expect(await outcome(verifier, project)).toMatch(/Invalid credentials/);
  });

  it("caches nothing while there is no period of trust", async () => {
    const project = await t.createProject();
    const verifier = verifierWith(() => undefined);
    expect(await outcome(verifier, project)).toBe(project.id);
    await removeKeys(project);
    expect(await outcome(verifier, project)).toMatch(/Invalid credentials/);
  });

  it("does not cache what a look-up read before an invalidation that overtook it", async () => {
    const project = await t.createProject();
    const repository = t.services.repositories.apiKeys;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let markRead = () => {};
    const read = new Promise<void>((resolve) => (markRead = resolve));
    // The look-up reads the key, then waits while the key is deleted and the cache told.
    const slowKeys: KeyLookup = {
      findByPublicKey: async (publicKey) => {
        const key = await repository.findByPublicKey(publicKey);
        markRead();
        await held;
        return key;
      },
      findByFastHash: (hash) => repository.findByFastHash(hash),
    };
    const period = {};
    const verifier = verifierWith(() => period, slowKeys);
    const racing = outcome(verifier, project);
    await read;
    await removeKeys(project);
    verifier.invalidate([project.publicKey]);
    release();
    expect(await racing).toBe(project.id);
    expect(await outcome(verifier, project)).toMatch(/Invalid credentials/);
  });
});
