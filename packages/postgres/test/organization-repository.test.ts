import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyRepository, OrganizationRepository, ProjectRepository, type PostgresStore } from "../src/index.ts";
import { openTestPostgres, postgresModes } from "./support/test-postgres.ts";

describe.each(postgresModes())("OrganizationRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let organizations: OrganizationRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    organizations = new OrganizationRepository(store.db);
  });
  afterAll(async () => store?.close());

  const newOrganization = () => organizations.create({ id: `org-${randomUUID()}`, name: "Org" });

  it("refuses to delete an organization whose only project is soft-deleted, by itself and not only through the route's count", async () => {
    const org = await newOrganization();
    const projects = new ProjectRepository(store.db);
    const project = await projects.create({ id: `project-${randomUUID()}`, orgId: org.id, name: "draining" });
    await projects.softDelete(project.id);
    expect(await organizations.deleteIfWithoutProjects(org.id)).toBe(false);
    expect(await organizations.findById(org.id)).toEqual(org);
  });

  it("deletes an organization without projects together with its organization keys", async () => {
    const org = await newOrganization();
    const keys = new ApiKeyRepository(store.db);
    const id = `key-${randomUUID()}`;
    await keys.create({ id, publicKey: `pk-lf-${id}`, fastHashedSecretKey: `hash-${id}`, displaySecretKey: "sk-lf-...0000", scope: "ORGANIZATION", organizationId: org.id });
    expect(await organizations.deleteIfWithoutProjects(org.id)).toBe(true);
    expect(await organizations.findById(org.id)).toBeUndefined();
    expect(await keys.findByPublicKey(`pk-lf-${id}`)).toBeUndefined();
    expect(await organizations.deleteIfWithoutProjects(org.id)).toBe(false);
  });

  it("answers undefined when updating an organization that does not exist, and creates nothing", async () => {
    expect(await organizations.update("no-such-org", { name: "Ghost" })).toBeUndefined();
    expect(await organizations.findById("no-such-org")).toBeUndefined();
  });

  it("creates on ensure only once, and tells which call created", async () => {
    const id = `org-${randomUUID()}`;
    const first = await organizations.ensure({ id, name: "First" });
    const second = await organizations.ensure({ id, name: "Second" });
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.row).toEqual(first.row);
  });
});
