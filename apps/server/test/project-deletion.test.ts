import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_TABLES, selectRows } from "@wick/clickhouse";
import { EncryptionKey } from "@wick/secrets";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, createTestApp, postgresModes, testMediaConfig, type TestApp, type TestProject } from "./support/harness.ts";
import { uploadMedia } from "./support/media-upload.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const DELETE_PROJECT = { method: "DELETE", path: "/api/public/projects/{projectId}" };

type Counts = Record<string, number>;

/**
 * Project deletion (auth-admin.md §2.5): the 202, keys refused at once, and then every row of the
 * project gone from every table of both stores, and its media files from the store, while another
 * project keeps all of its own. The tables are read from the catalogs, so a table added later is
 * counted without this test knowing its name.
 */
describe.each(postgresModes())("project deletion (%s Postgres)", (mode) => {
  let t: TestApp;
  const mediaDir = testMediaConfig().store;

  const call = (project: TestProject, method: "GET" | "POST" | "PUT" | "PATCH", url: string, body?: unknown) =>
    t.app.inject({ method, url: `/api/public${url}`, headers: { authorization: project.basic }, ...(body === undefined ? {} : { payload: body as object }) });
  const created = async (project: TestProject, url: string, body: unknown) => {
    const response = await call(project, "POST", url, body);
    expect(response.statusCode, `${url}: ${response.body}`).toBeLessThan(300);
    return response.json();
  };

  /** Fills a project with a row in every kind of table: tracing, datasets and runs, prompts, media, configs, dashboards. */
  async function populate(project: TestProject): Promise<string> {
    const now = new Date().toISOString();
    const traceId = randomUUID();
    const ingested = await call(project, "POST", "/ingestion", {
      batch: [
        { id: randomUUID(), type: "trace-create", timestamp: now, body: { id: traceId, sessionId: "session-1", userId: "user-1" } },
        { id: randomUUID(), type: "generation-create", timestamp: now, body: { id: `${traceId}-gen`, traceId, model: "gpt-4o", usage: { input: 10, output: 5 } } },
        { id: randomUUID(), type: "score-create", timestamp: now, body: { id: `${traceId}-score`, traceId, name: "quality", value: 1 } },
        // Its trace never arrives, so it is noted missing.
        { id: randomUUID(), type: "score-create", timestamp: now, body: { id: `${traceId}-orphan-score`, traceId: `${traceId}-missing`, name: "quality", value: 1 } },
      ],
    });
    expect(ingested.json().errors).toEqual([]);
    // A metrics query over today, a whole day, builds the day's rollup.
    const today = now.slice(0, 10);
    const metricsQuery = {
      view: "observations",
      metrics: [{ measure: "count", aggregation: "count" }],
      fromTimestamp: `${today}T00:00:00Z`,
      toTimestamp: `${today}T23:59:59.999Z`,
    };
    expect((await call(project, "GET", `/v2/metrics?query=${encodeURIComponent(JSON.stringify(metricsQuery))}`)).json()).toEqual({ data: [{ count_count: 1 }] });
    await created(project, "/datasets", { name: "qa" });
    await created(project, "/dataset-items", { datasetName: "qa", id: "item-1", input: { q: 1 } });
    await created(project, "/dataset-run-items", { runName: "run-1", datasetItemId: "item-1", traceId });
    await created(project, "/v2/prompts", { name: "greeting", prompt: "Hi {{name}}", type: "text", labels: ["production"] });
    await created(project, "/score-configs", { name: "quality", dataType: "NUMERIC" });
    await created(project, "/comments", { projectId: project.id, objectType: "TRACE", objectId: traceId, content: "checked" });
    await created(project, "/models", { modelName: "house-model", matchPattern: "(?i)^house$", unit: "TOKENS", inputPrice: 0.001 });
    await created(project, "/unstable/dashboards", { name: "Costs" });
    const llm = await t.app.inject({
      method: "PUT",
      url: "/api/public/llm-connections",
      headers: { authorization: project.basic },
      payload: { provider: "openai", adapter: "openai", secretKey: "sk-secret" },
    });
    expect(llm.statusCode, llm.body).toBe(201);

    return uploadMedia(t.app, project.basic, randomBytes(1024), { traceId });
  }

  async function clickHouseCounts(projectId: string): Promise<Counts> {
    const rows = await selectRows<{ table: string; rows: string | number }>(t.stores.clickhouse.client, {
      name: "test.project-rows",
      sql: PROJECT_TABLES.map((table) => `SELECT '${table}' AS table, count() AS rows FROM ${table} WHERE project_id = {projectId:String}`).join(" UNION ALL "),
      params: { projectId },
    });
    return Object.fromEntries(rows.map((row) => [row.table, Number(row.rows)]));
  }

  async function postgresCounts(projectId: string): Promise<Counts> {
    const execute = t.stores.postgres.execute;
    const tables = await execute("select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'project_id' order by table_name");
    const counts: Counts = {};
    for (const { table_name } of tables) {
      // Names from the catalog, quoted as identifiers.
      const [row] = await execute(`select count(*)::int as n from "${String(table_name)}" where project_id = $1`, [projectId]);
      counts[String(table_name)] = Number(row!.n);
    }
    const [own] = await execute("select count(*)::int as n from projects where id = $1", [projectId]);
    counts.projects = Number(own!.n);
    return counts;
  }

  const organizationKey = async (project: TestProject) => {
    const key = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId: project.orgId });
    return basicAuthHeader(key.publicKey, key.secretKey);
  };

  beforeAll(async () => {
    t = await createTestApp(mode, { encryptionKey: EncryptionKey.fromHex(randomBytes(32).toString("hex")), media: { store: mediaDir } });
  });
  afterAll(async () => t?.close());

  it("holds the list of ClickHouse tables it deletes from to every table with a project_id", async () => {
    const rows = await selectRows<{ table: string }>(t.stores.clickhouse.client, {
      name: "test.project-tables",
      sql: "SELECT DISTINCT table FROM system.columns WHERE database = currentDatabase() AND name = 'project_id' ORDER BY table",
      params: {},
    });
    expect(rows.map((row) => row.table)).toEqual([...PROJECT_TABLES].sort());
  });

  it("answers 202, refuses the project's keys at once, then removes every row and file of the project and nothing of another", async () => {
    const doomed = await t.createProject();
    const kept = await t.createProject();
    const doomedMedia = await populate(doomed);
    const keptMedia = await populate(kept);
    const keptBefore = { clickhouse: await clickHouseCounts(kept.id), postgres: await postgresCounts(kept.id) };
    const before = { clickhouse: await clickHouseCounts(doomed.id), postgres: await postgresCounts(doomed.id) };
    for (const table of PROJECT_TABLES) expect(before.clickhouse[table], table).toBeGreaterThan(0);
    for (const table of [
      "datasets",
      "dataset_items",
      "prompts",
      "score_configs",
      "comments",
      "models",
      "media",
      "trace_media",
      "dashboards",
      "llm_api_keys",
      "api_keys",
      "observation_rollup_days",
      "projects",
    ]) {
      expect(before.postgres[table], table).toBeGreaterThan(0);
    }
    const fileOf = (project: TestProject, mediaId: string) => join(mediaDir.kind === "disk" ? mediaDir.dir : "", project.id, `${mediaId}.png`);
    const doomedFile = fileOf(doomed, doomedMedia);
    expect(existsSync(doomedFile)).toBe(true);

    const deleted = await t.app.inject({ method: "DELETE", url: `/api/public/projects/${doomed.id}`, headers: { authorization: await organizationKey(doomed) } });
    expect(deleted.statusCode, deleted.body).toBe(202);
    expectReferenceResponse(DELETE_PROJECT, 202, deleted.json());
    expect(deleted.json()).toEqual({ success: true, message: "Project deletion has been initiated and is being processed asynchronously" });
    expect((await call(doomed, "GET", "/traces")).statusCode).toBe(401);

    // Joins the removal the request started.
    await t.services.projectPurge.purge(doomed.id);
    const after = { clickhouse: await clickHouseCounts(doomed.id), postgres: await postgresCounts(doomed.id) };
    expect(
      Object.values(after.clickhouse).every((rows) => rows === 0),
      JSON.stringify(after.clickhouse),
    ).toBe(true);
    expect(
      Object.values(after.postgres).every((rows) => rows === 0),
      JSON.stringify(after.postgres),
    ).toBe(true);
    expect(existsSync(doomedFile), `media of ${doomedMedia}`).toBe(false);
    expect({ clickhouse: await clickHouseCounts(kept.id), postgres: await postgresCounts(kept.id) }).toEqual(keptBefore);
    expect(existsSync(fileOf(kept, keptMedia))).toBe(true);
  });

  it("finishes a removal that was cut off, on the next pass", async () => {
    const doomed = await t.createProject();
    await populate(doomed);
    // What a crash right after the request leaves: the project marked deleted, its data all there.
    await t.services.repositories.projects.softDelete(doomed.id);
    expect((await clickHouseCounts(doomed.id)).traces).toBeGreaterThan(0);
    await t.services.projectPurge.purgePending();
    expect(Object.values(await clickHouseCounts(doomed.id)).every((rows) => rows === 0)).toBe(true);
    expect(Object.values(await postgresCounts(doomed.id)).every((rows) => rows === 0)).toBe(true);
    // Running again finds nothing left to do.
    await t.services.projectPurge.purgePending();
    expect(await t.services.repositories.projects.awaitingPurge()).toEqual([]);
  });
});
