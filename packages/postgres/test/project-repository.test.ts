import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OrganizationRepository, ProjectRepository, schema, type PostgresStore } from "../src/index.ts";
import { openTestPostgres, postgresModes } from "./support/test-postgres.ts";

describe.each(postgresModes())("ProjectRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let projects: ProjectRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    projects = new ProjectRepository(store.db);
  });
  afterAll(async () => store?.close());

  const newOrganization = async (name = "Projects") => (await new OrganizationRepository(store.db).create({ id: `org-${randomUUID()}`, name })).id;
  const newProject = (orgId: string, fields: { name?: string; metadata?: unknown } = {}) =>
    projects.create({ id: `project-${randomUUID()}`, orgId, name: fields.name ?? "project", metadata: fields.metadata });

  it("keeps a soft-deleted project for lookups by id and with includeDeleted, and out of every live view", async () => {
    const orgId = await newOrganization("Soft Org");
    const kept = await newProject(orgId, { name: "kept" });
    const gone = await newProject(orgId, { name: "gone" });
    await projects.softDelete(gone.id);

    expect((await projects.findById(gone.id))?.deletedAt).toBeInstanceOf(Date);
    expect((await projects.findInOrganization(gone.id, orgId, { includeDeleted: true }))?.id).toBe(gone.id);
    expect(await projects.findInOrganization(gone.id, orgId)).toBeUndefined();
    expect(await projects.findLiveWithOrganization(gone.id)).toBeUndefined();
    expect(await projects.findLiveWithOrganization(kept.id)).toMatchObject({ id: kept.id, organization: { id: orgId, name: "Soft Org" } });
    expect((await projects.listLiveSummaries(orgId)).map((project) => project.id)).toEqual([kept.id]);
    expect((await projects.liveSummariesByOrganization()).get(orgId)?.map((project) => project.id)).toEqual([kept.id]);
    expect(await projects.liveNameExists(orgId, "gone")).toBe(false);
    expect(await projects.liveNameExists(orgId, "kept")).toBe(true);
    expect(await projects.countInOrganization(orgId)).toEqual({ live: 1, deleted: 1 });
  });

  it("keeps the first deletion time when a project is deleted again", async () => {
    const project = await newProject(await newOrganization());
    const firstDeletion = new Date("2025-01-01T00:00:00.000Z");
    await store.db.update(schema.projects).set({ deletedAt: firstDeletion }).where(eq(schema.projects.id, project.id));
    await projects.softDelete(project.id);
    expect((await projects.findById(project.id))?.deletedAt).toEqual(firstDeletion);
  });

  it("leaves out organizations whose projects are all deleted when grouping live projects", async () => {
    const orgId = await newOrganization();
    await projects.softDelete((await newProject(orgId)).id);
    expect((await projects.liveSummariesByOrganization()).has(orgId)).toBe(false);
    expect(await projects.listLiveSummaries(orgId)).toEqual([]);
  });

  it("checks live names within the organization only", async () => {
    const [orgId, otherOrgId] = [await newOrganization(), await newOrganization()];
    await newProject(otherOrgId, { name: "elsewhere" });
    expect(await projects.liveNameExists(orgId, "elsewhere")).toBe(false);
    expect(await projects.liveNameExists(otherOrgId, "elsewhere")).toBe(true);
    expect(await projects.findInOrganization((await newProject(otherOrgId)).id, orgId, { includeDeleted: true })).toBeUndefined();
  });

  it("counts nothing for an organization without projects", async () => {
    expect(await projects.countInOrganization(await newOrganization())).toEqual({ live: 0, deleted: 0 });
    expect(await projects.countInOrganization("no-such-org")).toEqual({ live: 0, deleted: 0 });
  });

  it.each([
    ["an array", [1, 2], null],
    ["a string", "text", null],
    ["a number", 7, null],
    ["JSON null", null, null],
    ["an object", { team: "ml" }, { team: "ml" }],
  ])("shows metadata that is %s as %j in summaries", async (_case, metadata, shown) => {
    const orgId = await newOrganization();
    const project = await newProject(orgId, { metadata });
    expect((await projects.listLiveSummaries(orgId))[0]).toMatchObject({ id: project.id, metadata: shown });
    expect((await projects.liveSummariesByOrganization()).get(orgId)?.[0]?.metadata).toEqual(shown);
    expect((await projects.findById(project.id))?.metadata).toEqual(metadata);
  });

  it("never moves or renames an existing project on ensure, even one of another organization", async () => {
    const [orgId, otherOrgId] = [await newOrganization(), await newOrganization()];
    const existing = await newProject(orgId, { name: "original" });
    const { row, created } = await projects.ensure({ id: existing.id, orgId: otherOrgId, name: "renamed", retentionDays: 30 });
    expect(created).toBe(false);
    expect(row).toEqual(existing);
    expect(await projects.findById(existing.id)).toEqual(existing);
  });

  it("lists an organization's live projects oldest first, the id breaking ties", async () => {
    const orgId = await newOrganization();
    const [earlier, later] = [new Date("2025-01-01T00:00:00.000Z"), new Date("2025-01-02T00:00:00.000Z")];
    const id = (suffix: string) => `${orgId}-${suffix}`;
    await store.db.insert(schema.projects).values([
      { id: id("c"), orgId, name: "c", createdAt: earlier },
      { id: id("z"), orgId, name: "z", createdAt: later },
      { id: id("a"), orgId, name: "a", createdAt: earlier },
      { id: id("b"), orgId, name: "b", createdAt: later },
    ]);
    const expected = [id("a"), id("c"), id("b"), id("z")];
    expect((await projects.listLiveSummaries(orgId)).map((project) => project.id)).toEqual(expected);
    expect((await projects.liveSummariesByOrganization()).get(orgId)?.map((project) => project.id)).toEqual(expected);
  });
});
