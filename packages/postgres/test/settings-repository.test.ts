import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SettingsRepository, type PostgresStore } from "../src/index.ts";
import { openTestPostgres, postgresModes } from "./support/test-postgres.ts";

describe.each(postgresModes())("SettingsRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let settings: SettingsRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    settings = new SettingsRepository(store.db);
  });
  afterAll(async () => store?.close());

  it("keeps the first stored value whatever later callers would create", async () => {
    const key = `setting-${randomUUID()}`;
    expect(await settings.getOrCreate(key, () => "first")).toBe("first");
    expect(await settings.getOrCreate(key, () => "second")).toBe("first");
  });

  it("gives every concurrent caller on an empty key the one value that won", async () => {
    const key = `setting-${randomUUID()}`;
    const candidates = Array.from({ length: 20 }, (_, index) => `candidate-${index}`);
    const values = await Promise.all(candidates.map((candidate) => settings.getOrCreate(key, () => candidate)));
    expect(new Set(values).size).toBe(1);
    expect(candidates).toContain(values[0]);
    expect(await settings.getOrCreate(key, () => "late")).toBe(values[0]);
  });

  it("keeps keys apart", async () => {
    const [one, two] = [`setting-${randomUUID()}`, `setting-${randomUUID()}`];
    await settings.getOrCreate(one, () => "one");
    expect(await settings.getOrCreate(two, () => "two")).toBe("two");
    expect(await settings.getOrCreate(one, () => "other")).toBe("one");
  });
});
