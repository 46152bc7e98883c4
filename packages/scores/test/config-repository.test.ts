import { setTimeout as sleep } from "node:timers/promises";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scoreConfigs, type PostgresStore } from "@wick/postgres";
import { newTestProject, openTestPostgres, postgresModes } from "@wick/postgres/testing";
import { ScoreConfigRepository } from "../src/config-repository.ts";
import { InvalidScoresRequestError } from "../src/errors.ts";

describe.each(postgresModes())("ScoreConfigRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let configs: ScoreConfigRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    configs = new ScoreConfigRepository(store.db);
  });
  afterAll(async () => store?.close());

  const newProject = () => newTestProject(store, "scores");

  it("keeps the stored config as it was when a patch is refused", async () => {
    const projectId = await newProject();
    const created = await configs.create(projectId, { name: "bounded", dataType: "NUMERIC", minValue: 0, maxValue: 10 });
    await expect(configs.update(projectId, created.id, { name: "renamed", isArchived: true, maxValue: -5 })).rejects.toBeInstanceOf(InvalidScoresRequestError);
    expect(await configs.get(projectId, created.id)).toEqual(created);
  });

  it("drops a range patched onto a BOOLEAN config, and takes the True/False pair in any order", async () => {
    const projectId = await newProject();
    const created = await configs.create(projectId, { name: "correct", dataType: "BOOLEAN" });
    const fixed = [
      { label: "True", value: 1 },
      { label: "False", value: 0 },
    ];
    expect(await configs.update(projectId, created.id, { minValue: 3, maxValue: 9 })).toMatchObject({ minValue: null, maxValue: null, categories: fixed });
    expect(await configs.update(projectId, created.id, { categories: [...fixed].reverse() })).toMatchObject({ categories: fixed });
  });

  // Only a server runs transactions side by side; PGlite runs one at a time on its single connection.
  it.runIf(mode === "server")("checks each of two concurrent patches against what the other left: a pair fine alone and invalid together keeps one", async () => {
    const projectId = await newProject();
    const created = await configs.create(projectId, { name: "raced", dataType: "NUMERIC" });
    const waitingOnLocks = async () =>
      Number((await store.execute("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'"))[0]!.n);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    // Holds the row so that both patches start before either can finish, whatever the scheduling.
    const blocker = store.db.transaction(async (tx) => {
      await tx.select().from(scoreConfigs).where(eq(scoreConfigs.id, created.id)).for("update");
      holding();
      await released;
    });
    await held;
    const patches = Promise.allSettled([configs.update(projectId, created.id, { minValue: 5 }), configs.update(projectId, created.id, { maxValue: 3 })]);
    while ((await waitingOnLocks()) < 2) await sleep(10);
    release();
    await blocker;
    const results = await patches;

    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((result) => result.status === "rejected")?.reason).toBeInstanceOf(InvalidScoresRequestError);
    const stored = (await configs.get(projectId, created.id))!;
    expect([
      [5, null],
      [null, 3],
    ]).toContainEqual([stored.minValue, stored.maxValue]);
  });

  it("lists configs created at the same moment by id, so pages neither skip nor repeat", async () => {
    const projectId = await newProject();
    const createdAt = new Date("2025-01-01T00:00:00.000Z");
    const ids = ["c", "a", "d", "b"].map((suffix) => `${projectId}-${suffix}`);
    await store.db.insert(scoreConfigs).values(ids.map((id) => ({ id, projectId, name: id.slice(-1), dataType: "NUMERIC" as const, createdAt, updatedAt: createdAt })));
    const walked = [];
    for (let page = 1; page <= 2; page += 1) {
      const listed = await configs.list(projectId, page, 2);
      expect(listed.totalItems).toBe(4);
      walked.push(...listed.data.map((config) => config.id));
    }
    expect(walked).toEqual([...ids].sort());
  });

  it("looks configs up by ids within the project only, and finds none for no ids", async () => {
    const [projectId, otherProjectId] = [await newProject(), await newProject()];
    const mine = await configs.create(projectId, { name: "mine", dataType: "TEXT" });
    const theirs = await configs.create(otherProjectId, { name: "theirs", dataType: "TEXT" });
    const found = await configs.byIds(projectId, [mine.id, theirs.id, "no-such-config"]);
    expect([...found.keys()]).toEqual([mine.id]);
    expect(found.get(mine.id)).toEqual(mine);
    expect(await configs.byIds(projectId, [])).toEqual(new Map());
  });
});
