import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, ObservationRollupDayRepository, openPostgres, POSTGRES_MIGRATIONS_DIR, type PostgresStore } from "../src/index.ts";
import { newServerDatabase, postgresModes, type PostgresMode } from "./support/test-postgres.ts";

const UPGRADE = "0018_rebuild_observation_rollups";

interface Journal {
  entries: Array<{ idx: number; tag: string }>;
}

/** The migrations folder as it was before `UPGRADE`: its SQL files and journal entries. */
async function migrationsBefore(dir: string): Promise<string> {
  const before = join(dir, "migrations-before");
  await mkdir(join(before, "meta"), { recursive: true });
  for (const file of await readdir(POSTGRES_MIGRATIONS_DIR)) {
    if (file.endsWith(".sql") && file < UPGRADE) await copyFile(join(POSTGRES_MIGRATIONS_DIR, file), join(before, file));
  }
  const journal = JSON.parse(await readFile(join(POSTGRES_MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as Journal;
  await writeFile(join(before, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.filter((entry) => entry.tag < UPGRADE) }));
  return before;
}

/** An empty Postgres of the mode, discarded on close. */
const emptyPostgres = (mode: PostgresMode): Promise<PostgresStore> => (mode === "embedded" ? openPostgres({ kind: "embedded" }) : newServerDatabase());

describe.each(postgresModes())(`${UPGRADE}: rollups built before latency quantiles stop counting (%s)`, (mode) => {
  let dir: string;
  let store: PostgresStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wick-rollup-upgrade-"));
    store = await emptyPostgres(mode);
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves every day to its raw rows until it is built again", async () => {
    await migratePostgres(store, await migrationsBefore(dir));
    const records = new ObservationRollupDayRepository(store.db);
    const days = ["2025-03-01", "2025-03-02"];
    const build = await records.startBuild();
    expect(await records.accept("project-a", days, build)).toEqual(days);
    const clean = await records.states("project-a", days);
    expect(days.map((day) => clean.get(day)?.cleanBuild)).toEqual([build.id, build.id]);

    await migratePostgres(store);
    const upgraded = await records.states("project-a", days);
    expect(days.map((day) => upgraded.get(day))).toEqual([{ settled: true }, { settled: true }]);
    // A build after the upgrade counts again.
    const rebuild = await records.startBuild();
    expect(await records.accept("project-a", days, rebuild)).toEqual(days);
    expect(await records.cleanDays("project-a")).toEqual(days.map((day) => ({ day, build: rebuild.id })));
  });
});
