import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buffer, text } from "node:stream/consumers";
import { gunzipSync } from "node:zlib";
import { S3ObjectStore } from "@wick/object-store";
import { directoryTarget, exportWindow, objectStoreTarget, type WindowExport } from "@wick/exports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3, type LocalS3Server } from "../../../packages/object-store/test/support/s3-server.ts";
import { createTestApp, type TestApp } from "./support/harness.ts";

const T0 = Date.UTC(2025, 2, 1, 10, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

describe("exporting a window of a project's tables to files", () => {
  let t: TestApp;
  let dir: string;
  let s3: LocalS3Server;
  // Sorted, so that rows at one time come in the order of their ids, which is the key's.
  const traceIds = Array.from({ length: 6 }, () => randomUUID()).sort();
  /** Traces 3 and 4 share a time: a page of 4 rows ends between them. */
  const minuteOf = (index: number) => (index === 4 ? 30 : index * 10);

  beforeAll(async () => {
    t = await createTestApp("embedded");
    dir = await mkdtemp(join(tmpdir(), "wick-export-"));
    s3 = await startLocalS3("exports");
    // A score's time is its event's.
    const event = (type: string, body: Record<string, unknown>, time = new Date()) => ({ id: randomUUID(), type, timestamp: time.toISOString(), body });
    // Traces at minutes 0, 10, 20, 30, 30, 50; one observation and one score each; a trace of another project at minute 5.
    const batch = traceIds.flatMap((id, index) => [
      event("trace-create", { id, name: `trace, "${index}"\nsecond line`, timestamp: at(minuteOf(index)).toISOString(), metadata: { index }, tags: ["a", "b"] }),
      event("span-create", { id: `${id}-span`, traceId: id, name: "step", startTime: at(minuteOf(index)).toISOString(), input: { question: "ünïcödé ✓" } }),
      event("score-create", { id: `${id}-score`, traceId: id, name: "quality", value: index / 10 }, at(minuteOf(index))),
    ]);
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: t.project.basic }, payload: { batch } });
    expect(response.json().errors).toEqual([]);
    const other = await t.createProject();
    await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: other.basic },
      payload: { batch: [event("trace-create", { id: randomUUID(), timestamp: at(5).toISOString() })] },
    });
  });
  afterAll(async () => {
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
    await t?.close();
  });

  const request = (from: number, to: number, fileType: WindowExport["fileType"], compressed: boolean): WindowExport => ({
    projectId: t.project.id,
    window: { from: at(from), to: at(to) },
    tables: ["traces", "observations", "scores"],
    fileType,
    compressed,
    prefix: "exports/",
    exportSource: "LEGACY_TRACES_OBSERVATIONS",
  });
  const jsonLines = (bytes: Buffer) =>
    bytes
      .toString("utf8")
      .split("\n")
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line));

  it("writes a file per table and a manifest, with the current rows of the window and nothing of other projects", async () => {
    const target = join(dir, "jsonl");
    const { manifestKey, files } = await exportWindow(t.stores.clickhouse.client, directoryTarget(target), request(0, 30, "JSONL", true), join(dir, "scratch"));
    expect(manifestKey).toBe(`exports/${t.project.id}/manifests/2025-03-01T10-30-00.json`);
    expect(files.map((file) => file.key)).toEqual(["traces", "observations", "scores"].map((table) => `exports/${t.project.id}/${table}/2025-03-01T10-30-00.jsonl.gz`));

    const traces = jsonLines(gunzipSync(await readFile(join(target, files[0]!.key))));
    expect(traces.map((row) => row.id)).toEqual(traceIds.slice(0, 3));
    expect(traces[1]).toMatchObject({ project_id: t.project.id, name: 'trace, "1"\nsecond line', tags: ["a", "b"] });
    const observations = jsonLines(gunzipSync(await readFile(join(target, files[1]!.key))));
    expect(observations.map((row) => row.id)).toEqual(traceIds.slice(0, 3).map((id) => `${id}-span`));
    expect(JSON.parse(observations[0].input)).toEqual({ question: "ünïcödé ✓" });
    const scores = jsonLines(gunzipSync(await readFile(join(target, files[2]!.key))));
    expect(scores.map((row) => [row.id, row.value])).toEqual(traceIds.slice(0, 3).map((id, index) => [`${id}-score`, index / 10]));

    const manifest = JSON.parse(await readFile(join(target, manifestKey), "utf8"));
    expect(manifest).toEqual({
      version: 1,
      projectId: t.project.id,
      exportSource: "LEGACY_TRACES_OBSERVATIONS",
      window: { minTimestamp: at(0).toISOString(), maxTimestamp: at(30).toISOString() },
      maxTimestamp: at(30).toISOString(),
      createdAt: expect.any(String),
      tables: ["traces", "observations", "scores"],
      files: files.map((file) => ({ ...file, rowCount: 3, compressed: true, contentType: "application/gzip", format: "jsonl", fileType: "JSONL" })),
    });
  });

  it("exports each row once over windows that follow each other, a row on the boundary in the later one", async () => {
    const target = directoryTarget(join(dir, "windows"));
    const first = await exportWindow(t.stores.clickhouse.client, target, request(0, 20, "JSONL", false), join(dir, "scratch"));
    const second = await exportWindow(t.stores.clickhouse.client, target, request(20, 60, "JSONL", false), join(dir, "scratch"));
    const ids = async (files: typeof first.files) => jsonLines(await readFile(join(dir, "windows", files[0]!.key))).map((row) => row.id);
    expect([...(await ids(first.files)), ...(await ids(second.files))]).toEqual(traceIds);
    expect(second.files.map((file) => file.rowCount)).toEqual([4, 4, 4]);
  });

  it("reads a window page by page in key order, each row once, also where rows share a time", async () => {
    const target = join(dir, "paged");
    const tables: WindowExport["tables"] = ["traces", "observations", "observations_v2", "scores"];
    const whole = await exportWindow(t.stores.clickhouse.client, directoryTarget(join(target, "whole")), { ...request(0, 60, "JSONL", false), tables }, join(dir, "scratch"));
    const paged = await exportWindow(
      t.stores.clickhouse.client,
      directoryTarget(join(target, "paged")),
      { ...request(0, 60, "JSONL", false), tables, pageRows: 4 },
      join(dir, "scratch"),
    );
    expect(paged.files).toHaveLength(4);
    for (const [index, file] of paged.files.entries()) {
      expect(await readFile(join(target, "paged", file.key), "utf8")).toBe(await readFile(join(target, "whole", whole.files[index]!.key), "utf8"));
      expect(file.rowCount).toBe(6);
    }
  });

  it("writes the observation fields of the chosen groups, core always, in the reference's order", async () => {
    const target = join(dir, "groups");
    const chosen = await exportWindow(
      t.stores.clickhouse.client,
      directoryTarget(target),
      { ...request(0, 20, "JSONL", false), tables: ["observations"], fieldGroups: ["io", "metrics"] },
      join(dir, "scratch"),
    );
    const [row] = jsonLines(await readFile(join(target, chosen.files[0]!.key)));
    expect(Object.keys(row)).toEqual([
      "id",
      "trace_id",
      "project_id",
      "type",
      "parent_observation_id",
      "start_time",
      "end_time",
      "input",
      "output",
      "latency",
      "time_to_first_token",
    ]);
    const all = await exportWindow(
      t.stores.clickhouse.client,
      directoryTarget(join(target, "all")),
      { ...request(0, 20, "JSONL", false), tables: ["observations_v2"] },
      join(dir, "scratch"),
    );
    const [full] = jsonLines(await readFile(join(target, "all", all.files[0]!.key)));
    expect(all.files[0]!.key).toContain("/observations_v2/");
    expect(Object.keys(full)).toEqual(expect.arrayContaining(["model_id", "usage_pricing_tier_name", "tool_definitions", "prompt_id", "created_at"]));
    expect(Object.keys(full)).not.toContain("merge_version");
    // v2 rows carry their trace's context; the legacy observations file does not.
    expect(full).toMatchObject({ id: `${traceIds[0]}-span`, trace_name: 'trace, "0"\nsecond line', tags: ["a", "b"], release: null, user_id: null, session_id: null });
    expect(Object.keys(row)).not.toContain("trace_name");
  });

  it("writes JSON arrays and CSV with a header, quoting what needs it", async () => {
    const target = join(dir, "formats");
    const json = await exportWindow(t.stores.clickhouse.client, directoryTarget(target), request(0, 20, "JSON", false), join(dir, "scratch"));
    const rows = JSON.parse(await readFile(join(target, json.files[0]!.key), "utf8"));
    expect(rows.map((row: { id: string }) => row.id)).toEqual(traceIds.slice(0, 2));
    const empty = await exportWindow(t.stores.clickhouse.client, directoryTarget(target), request(1000, 1010, "JSON", false), join(dir, "scratch"));
    expect(JSON.parse(await readFile(join(target, empty.files[0]!.key), "utf8"))).toEqual([]);

    const csv = await exportWindow(t.stores.clickhouse.client, directoryTarget(target), request(0, 20, "CSV", false), join(dir, "scratch"));
    const lines = (await readFile(join(target, csv.files[0]!.key), "utf8")).split("\n");
    const header = lines[0]!.split(",");
    expect(header).toEqual(expect.arrayContaining(["id", "timestamp", "name", "project_id", "metadata", "tags"]));
    expect(header).not.toContain("merge_version");
    // The name's quote and line break keep the second row's field whole: it spans two lines.
    expect(lines[1]).toContain(`"trace, ""0""`);
    expect(lines[2]).toMatch(/^second line",/);
    expect(csv.files[0]!.rowCount).toBe(2);
  });

  it("writes the same files to an S3-compatible bucket", async () => {
    const store = new S3ObjectStore(s3.config);
    const { manifestKey, files } = await exportWindow(t.stores.clickhouse.client, objectStoreTarget(store), request(0, 60, "JSONL", true), join(dir, "scratch"));
    const stored = await store.get(files[0]!.key);
    expect(jsonLines(gunzipSync(await buffer(stored!.body))).map((row) => row.id)).toEqual(traceIds);
    const manifest = JSON.parse(await text((await store.get(manifestKey))!.body));
    expect(manifest.files.map((file: { rowCount: number }) => file.rowCount)).toEqual([6, 6, 6]);
  });
});
