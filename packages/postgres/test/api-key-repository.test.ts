import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyRepository, OrganizationRepository, ProjectRepository, type NewApiKey, type PostgresStore } from "../src/index.ts";
import { openTestPostgres, postgresModes } from "./support/test-postgres.ts";

describe.each(postgresModes())("ApiKeyRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let keys: ApiKeyRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    keys = new ApiKeyRepository(store.db);
  });
  afterAll(async () => store?.close());

  const newOrganization = async () => (await new OrganizationRepository(store.db).create({ id: `org-${randomUUID()}`, name: "Keys" })).id;
  const newProject = async (orgId: string) => (await new ProjectRepository(store.db).create({ id: `project-${randomUUID()}`, orgId, name: "keys" })).id;

  /** Stores a key with unique public key and hash; `owner` says whose it is. */
  const storeKey = async (owner: Pick<NewApiKey, "scope" | "projectId" | "organizationId">) => {
    const suffix = randomUUID();
    const key: NewApiKey = { id: `key-${suffix}`, publicKey: `pk-lf-${suffix}`, fastHashedSecretKey: `hash-${suffix}`, displaySecretKey: "sk-lf-...1234", ...owner };
    await keys.create(key);
    return key;
  };

  it("finds a project key by public key and by hash alike, reaching its project's organization whatever the key row names", async () => {
    const [orgId, strangerOrgId] = [await newOrganization(), await newOrganization()];
    const projectId = await newProject(orgId);
    const key = await storeKey({ scope: "PROJECT", projectId, organizationId: strangerOrgId });
    const expected = { id: key.id, publicKey: key.publicKey, fastHashedSecretKey: key.fastHashedSecretKey, scope: "PROJECT", projectId, orgId };
    expect(await keys.findByPublicKey(key.publicKey)).toEqual(expected);
    expect(await keys.findByFastHash(key.fastHashedSecretKey)).toEqual(expected);
  });

  it("finds an organization key with its own organization and no project", async () => {
    const orgId = await newOrganization();
    const key = await storeKey({ scope: "ORGANIZATION", organizationId: orgId });
    const expected = { id: key.id, publicKey: key.publicKey, fastHashedSecretKey: key.fastHashedSecretKey, scope: "ORGANIZATION", projectId: null, orgId };
    expect(await keys.findByPublicKey(key.publicKey)).toEqual(expected);
    expect(await keys.findByFastHash(key.fastHashedSecretKey)).toEqual(expected);
  });

  it("looks each column up only by itself: a hash is no public key, and a public key no hash", async () => {
    const key = await storeKey({ scope: "ORGANIZATION", organizationId: await newOrganization() });
    expect(await keys.findByPublicKey(key.fastHashedSecretKey)).toBeUndefined();
    expect(await keys.findByFastHash(key.publicKey)).toBeUndefined();
    expect(await keys.findByPublicKey("pk-lf-unknown")).toBeUndefined();
  });

  it("counts a key as taken by its public key or by its hash, each on its own", async () => {
    const key = await storeKey({ scope: "ORGANIZATION", organizationId: await newOrganization() });
    expect(await keys.isTaken(key.publicKey, "hash-fresh")).toBe(true);
    expect(await keys.isTaken("pk-lf-fresh", key.fastHashedSecretKey)).toBe(true);
    expect(await keys.isTaken("pk-lf-fresh", "hash-fresh")).toBe(false);
  });

  it("refuses a second key with a taken public key or hash, for writers that raced past isTaken", async () => {
    const orgId = await newOrganization();
    const key = await storeKey({ scope: "ORGANIZATION", organizationId: orgId });
    const fresh = { id: `key-${randomUUID()}`, displaySecretKey: "sk-lf-...5678", scope: "ORGANIZATION" as const, organizationId: orgId };
    const uniqueViolation = { cause: { code: "23505" } };
    await expect(keys.create({ ...fresh, publicKey: key.publicKey, fastHashedSecretKey: `hash-${randomUUID()}` })).rejects.toMatchObject(uniqueViolation);
    await expect(keys.create({ ...fresh, publicKey: `pk-lf-${randomUUID()}`, fastHashedSecretKey: key.fastHashedSecretKey })).rejects.toMatchObject(uniqueViolation);
    expect(await keys.findSummary(fresh.id)).toBeUndefined();
  });

  it("deletes every key of one project and names them, leaving its organization's keys and other projects' keys", async () => {
    const orgId = await newOrganization();
    const [projectId, siblingId] = [await newProject(orgId), await newProject(orgId)];
    const doomed = [await storeKey({ scope: "PROJECT", projectId }), await storeKey({ scope: "PROJECT", projectId })];
    const sibling = await storeKey({ scope: "PROJECT", projectId: siblingId });
    const organization = await storeKey({ scope: "ORGANIZATION", organizationId: orgId });

    expect((await keys.deleteProjectKeys(projectId)).sort()).toEqual(doomed.map((key) => key.publicKey).sort());
    expect(await keys.listProjectKeys(projectId)).toEqual([]);
    expect((await keys.listProjectKeys(siblingId)).map((key) => key.id)).toEqual([sibling.id]);
    expect((await keys.listOrganizationKeys(orgId)).map((key) => key.id)).toEqual([organization.id]);
    expect(await keys.deleteProjectKeys(projectId)).toEqual([]);
  });

  it("lists by scope, not by the columns a key fills: a project key naming its organization stays out of organization listings", async () => {
    const orgId = await newOrganization();
    const projectId = await newProject(orgId);
    const projectKey = await storeKey({ scope: "PROJECT", projectId, organizationId: orgId });
    const organizationKey = await storeKey({ scope: "ORGANIZATION", organizationId: orgId });
    expect((await keys.listProjectKeys(projectId)).map((key) => key.id)).toEqual([projectKey.id]);
    expect((await keys.listOrganizationKeys(orgId)).map((key) => key.id)).toEqual([organizationKey.id]);
  });
});
