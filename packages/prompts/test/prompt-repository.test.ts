import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresStore } from "@wick/postgres";
import { newTestProject, openTestPostgres, postgresModes } from "@wick/postgres/testing";
import { PromptRepository } from "../src/prompt-repository.ts";
import { PromptService } from "../src/service.ts";
import type { PromptVersion } from "../src/types.ts";

const STORED_AT = new Date("2025-01-01T00:00:00.000Z");

describe.each(postgresModes())("PromptRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let prompts: PromptRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    prompts = new PromptRepository(store.db);
  });
  afterAll(async () => store?.close());

  const newProject = () => newTestProject(store, "prompts");

  const version = (projectId: string, name: string, number: number, fields: Partial<PromptVersion> = {}): PromptVersion => ({
    id: randomUUID(),
    projectId,
    name,
    version: number,
    type: "text",
    prompt: `${name} v${number}`,
    config: {},
    labels: [],
    tags: [],
    commitMessage: null,
    createdBy: "test",
    createdAt: STORED_AT,
    updatedAt: STORED_AT,
    ...fields,
  });
  const insert = (...versions: PromptVersion[]) => Promise.all(versions.map((v) => prompts.insertVersion(v, [])));

  describe("label moves", () => {
    it("take the labels off the other versions of the name, keeping the order of what they still hold", async () => {
      const projectId = await newProject();
      const [holder, bystander, keeper] = [
        version(projectId, "moves", 1, { labels: ["a", "b", "c", "d", "e"] }),
        version(projectId, "moves", 2, { labels: ["x"] }),
        version(projectId, "moves", 3),
      ];
      await insert(holder, bystander, keeper);
      const now = new Date("2025-06-01T00:00:00.000Z");
      await prompts.removeLabelsFromOtherVersions(projectId, "moves", ["d", "b"], keeper.id, now);

      const [first, second] = await prompts.listVersions(projectId, "moves");
      expect(first).toMatchObject({ labels: ["a", "c", "e"], updatedAt: now });
      // A version holding none of the moved labels is not rewritten.
      expect(second).toMatchObject({ labels: ["x"], updatedAt: STORED_AT });
    });

    it("never reach another name or another project's version of the same name", async () => {
      const [projectId, otherProjectId] = [await newProject(), await newProject()];
      const keeper = version(projectId, "label-scope", 2);
      const elsewhere = [
        version(projectId, "label-scope", 1, { labels: ["production"] }),
        version(projectId, "other-name", 1, { labels: ["production"] }),
        version(otherProjectId, "label-scope", 1, { labels: ["production"] }),
      ];
      await insert(keeper, ...elsewhere);
      await prompts.removeLabelsFromOtherVersions(projectId, "label-scope", ["production"], keeper.id, new Date());
      expect((await prompts.findVersion(projectId, "label-scope", { version: 1 }))?.labels).toEqual([]);
      expect((await prompts.findVersion(projectId, "other-name", { label: "production" }))?.id).toBe(elsewhere[1]!.id);
      expect((await prompts.findVersion(otherProjectId, "label-scope", { label: "production" }))?.id).toBe(elsewhere[2]!.id);
    });

    it("leave the kept version's own labels alone, even the moved ones", async () => {
      const projectId = await newProject();
      const keeper = version(projectId, "keeper", 1, { labels: ["production", "latest"] });
      await insert(keeper);
      await prompts.removeLabelsFromOtherVersions(projectId, "keeper", ["production", "latest"], keeper.id, new Date());
      expect((await prompts.findVersion(projectId, "keeper", { version: 1 }))?.labels).toEqual(["production", "latest"]);
    });
  });

  describe("version numbers", () => {
    it.each([0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER])("finds nothing for version %s, without a query error", async (number) => {
      const projectId = await newProject();
      await insert(version(projectId, "numbers", 1));
      expect(await prompts.findVersion(projectId, "numbers", { version: number })).toBeUndefined();
      expect(await prompts.listMatchingVersions(projectId, { version: number }, { limit: 10, offset: 0 })).toEqual({ versions: [], totalNames: 0 });
    });

    it("finds the largest number Postgres holds", async () => {
      const projectId = await newProject();
      await insert(version(projectId, "largest", 2 ** 31 - 1));
      expect((await prompts.findVersion(projectId, "largest", { version: 2 ** 31 - 1 }))?.prompt).toBe(`largest v${2 ** 31 - 1}`);
    });

    it("refuses a number the name already has with a unique violation, which the service's retry looks for", async () => {
      const projectId = await newProject();
      await insert(version(projectId, "taken", 1));
      await expect(prompts.insertVersion(version(projectId, "taken", 1), [])).rejects.toMatchObject({ cause: { code: "23505" } });
      expect(await prompts.listVersions(projectId, "taken")).toHaveLength(1);
    });

    it("numbers a new version after the highest left, never into a gap a delete opened", async () => {
      const projectId = await newProject();
      const service = new PromptService(store.db);
      for (const text of ["one", "two", "three"]) await service.create(projectId, { name: "gaps", prompt: text, config: {}, labels: [] });
      await service.delete(projectId, "gaps", { version: 2 });
      expect((await prompts.findHighestVersion(projectId, "gaps"))?.version).toBe(3);
      expect((await service.create(projectId, { name: "gaps", prompt: "four", config: {}, labels: [] })).version).toBe(4);
      expect((await prompts.listVersions(projectId, "gaps")).map((v) => v.version)).toEqual([1, 3, 4]);
    });
  });

  describe("listing", () => {
    it("counts every matching name on a page past the end, and counts names, not versions", async () => {
      const projectId = await newProject();
      await insert(version(projectId, "a", 1), version(projectId, "a", 2), version(projectId, "b", 1), version(projectId, "c", 1));
      expect(await prompts.listMatchingVersions(projectId, {}, { limit: 2, offset: 4 })).toEqual({ versions: [], totalNames: 3 });
      const page = await prompts.listMatchingVersions(projectId, {}, { limit: 1, offset: 0 });
      expect(page.totalNames).toBe(3);
      expect(page.versions.map((v) => `${v.name}@${v.version}`)).toEqual(["a@1", "a@2"]);
    });

    it("orders names bytewise: capitals before lower case, accented letters last", async () => {
      const projectId = await newProject();
      await insert(...["b", "é", "B", "a", "Z"].map((name) => version(projectId, name, 1)));
      const { versions } = await prompts.listMatchingVersions(projectId, {}, { limit: 10, offset: 0 });
      expect(versions.map((v) => v.name)).toEqual(["B", "Z", "a", "b", "é"]);
    });
  });

  it("lists the composition tags that point at a name, leaving out the excluded parents, other names and other projects", async () => {
    const [projectId, otherProjectId] = [await newProject(), await newProject()];
    const byLabel = version(projectId, "parent-b", 1);
    const byVersion = version(projectId, "parent-a", 3);
    const excluded = version(projectId, "parent-c", 1);
    await prompts.insertVersion(byLabel, [
      { name: "child", label: "production" },
      { name: "unrelated", version: 1 },
    ]);
    await prompts.insertVersion(byVersion, [{ name: "child", version: 2 }]);
    await prompts.insertVersion(excluded, [{ name: "child", version: 1 }]);
    await prompts.insertVersion(version(otherProjectId, "parent-a", 1), [{ name: "child", version: 1 }]);

    expect(await prompts.listDependents(projectId, "child", [excluded.id])).toEqual([
      { parentName: "parent-a", parentVersion: 3, childVersion: 2, childLabel: null },
      { parentName: "parent-b", parentVersion: 1, childVersion: null, childLabel: "production" },
    ]);
    expect(await prompts.listDependents(projectId, "child", [])).toHaveLength(3);
  });

  it("shares a tag set between the versions of one name only", async () => {
    const projectId = await newProject();
    await insert(version(projectId, "tagged", 1, { tags: ["old"] }), version(projectId, "tagged", 2, { tags: ["old"] }), version(projectId, "untouched", 1, { tags: ["old"] }));
    await prompts.setTagsOfAllVersions(projectId, "tagged", ["new"], new Date());
    expect((await prompts.listVersions(projectId, "tagged")).map((v) => v.tags)).toEqual([["new"], ["new"]]);
    expect((await prompts.listVersions(projectId, "untouched")).map((v) => v.tags)).toEqual([["old"]]);
  });

  describe("write generations", () => {
    it("count from 0 per project, one step per bump", async () => {
      const [projectId, otherProjectId] = [await newProject(), await newProject()];
      expect(await prompts.writeGeneration(projectId)).toBe(0);
      await prompts.bumpWriteGeneration(projectId);
      await prompts.bumpWriteGeneration(projectId);
      expect(await prompts.writeGeneration(projectId)).toBe(2);
      expect(await prompts.writeGeneration(otherProjectId)).toBe(0);
    });

    it("keep no bump, and no version, of a transaction that rolls back", async () => {
      const projectId = await newProject();
      await prompts.bumpWriteGeneration(projectId);
      const failure = new Error("rolled back on purpose");
      await expect(
        prompts.transaction(async (inTransaction) => {
          await inTransaction.insertVersion(version(projectId, "rolled-back", 1), []);
          await inTransaction.bumpWriteGeneration(projectId);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await prompts.writeGeneration(projectId)).toBe(1);
      expect(await prompts.listVersions(projectId, "rolled-back")).toEqual([]);
    });
  });

  // Only a server runs transactions side by side; PGlite runs one at a time on its single connection.
  it.runIf(mode === "server")("holds a name's lock until the transaction ends, without blocking the same name in another project", async () => {
    const [projectId, otherProjectId] = [await newProject(), await newProject()];
    const waitingLocks = async () =>
      Number(
        (
          await store.execute(
            "select count(*) as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())",
          )
        )[0]!.n,
      );
    const events: string[] = [];
    /** Returns once `event` happened or a transaction of this database waits for an advisory lock. */
    const untilHappenedOrBlocked = async (event: string) => {
      while (!events.includes(event) && (await waitingLocks()) === 0) await sleep(10);
    };
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const first = prompts.transaction(async (inTransaction) => {
      await inTransaction.lockName(projectId, "locked");
      events.push("first locked");
      await released;
      events.push("first commits");
    });
    await untilHappenedOrBlocked("first locked");

    const other = prompts.transaction(async (inTransaction) => {
      await inTransaction.lockName(otherProjectId, "locked");
      events.push("other project locked");
    });
    await untilHappenedOrBlocked("other project locked");
    const second = prompts.transaction(async (inTransaction) => {
      await inTransaction.lockName(projectId, "locked");
      events.push("second locked");
    });
    await untilHappenedOrBlocked("second locked");
    expect(events).toEqual(["first locked", "other project locked"]);

    release();
    await Promise.all([first, other, second]);
    expect(events).toEqual(["first locked", "other project locked", "first commits", "second locked"]);
  });
});
