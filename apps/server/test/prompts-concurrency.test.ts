import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, postgresModes, type TestApp } from "./support/harness.ts";

describe.each(postgresModes())("concurrent prompt writes from two Wick instances (%s Postgres)", (mode) => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp(mode);
    second = await createTestApp(mode, { stores: first.stores });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const instances = () => [first, second];
  const call = (instance: TestApp, method: "GET" | "POST" | "PATCH", url: string, payload?: object) =>
    instance.app.inject({ method, url: `/api/public${url}`, headers: { authorization: first.project.basic }, ...(payload ? { payload } : {}) });

  /** Every version of the name with its labels, read from the database. */
  const labelsByVersion = async (name: string) => {
    const rows = await first.stores.postgres.execute("select version, labels from prompts where project_id = $1 and name = $2 order by version", [first.project.id, name]);
    return rows as Array<{ version: number; labels: string[] }>;
  };

  it("numbers many concurrent creates of one name 1…n without gaps or repeats, and leaves one latest", async () => {
    const name = `race-${randomUUID().slice(0, 8)}`;
    const count = 40;
    const responses = await Promise.all(
      Array.from({ length: count }, (_, index) => call(instances()[index % 2]!, "POST", "/v2/prompts", { name, prompt: `attempt ${index}`, labels: ["production"] })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(Array(count).fill(201));
    const versions = responses.map((response) => response.json().version as number).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: count }, (_, index) => index + 1));

    const stored = await labelsByVersion(name);
    expect(stored.filter((row) => row.labels.includes("latest")).map((row) => row.version)).toEqual([count]);
    expect(stored.filter((row) => row.labels.includes("production")).map((row) => row.version)).toEqual([count]);
  });

  it("keeps a label on one version while concurrent updates move it around", async () => {
    const name = `moves-${randomUUID().slice(0, 8)}`;
    for (let version = 1; version <= 6; version += 1) expect((await call(first, "POST", "/v2/prompts", { name, prompt: `v${version}` })).statusCode).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, index) => call(instances()[index % 2]!, "PATCH", `/v2/prompts/${name}/versions/${(index % 6) + 1}`, { newLabels: ["production", "canary"] })),
    );
    expect(responses.every((response) => response.statusCode === 200)).toBe(true);
    const stored = await labelsByVersion(name);
    for (const label of ["production", "canary", "latest"])
      expect(
        stored.filter((row) => row.labels.includes(label)),
        label,
      ).toHaveLength(1);
  });

  it("creates many names of one project at once, each numbered from 1", async () => {
    const names = Array.from({ length: 20 }, (_, index) => `parallel-${index}-${randomUUID().slice(0, 8)}`);
    const responses = await Promise.all(names.flatMap((name) => instances().map((instance) => call(instance, "POST", "/v2/prompts", { name, prompt: name }))));
    expect(responses.every((response) => response.statusCode === 201)).toBe(true);
    for (const name of names) expect((await labelsByVersion(name)).map((row) => row.version)).toEqual([1, 2]);
  });
});
