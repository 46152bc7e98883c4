import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_TABLES, selectRows } from "@wick/clickhouse";
import { loadConfig } from "../src/config.ts";
import { openStores } from "../src/stores.ts";
import { createProject, figure, scaled, startReliabilityServer } from "./support.ts";

const BATCHES = scaled(40, 400);
const SPANS_PER_BATCH = 50;
const quiet = { info() {}, warn() {} };

/** Rows of a project in every ClickHouse table and every Postgres table with a project_id, read from the stopped server's data directory. */
async function rowsOf(dataDir: string, projectIds: string[]): Promise<Record<string, number>[]> {
  const stores = await openStores(loadConfig({ DATA_DIR: dataDir }), quiet);
  try {
    const tables = await stores.postgres.execute("select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'project_id'");
    return await Promise.all(
      projectIds.map(async (projectId) => {
        const counts: Record<string, number> = {};
        for (const table of PROJECT_TABLES) {
          const [row] = await selectRows<{ n: string }>(stores.clickhouse.client, {
            name: "test.count",
            sql: `SELECT count() AS n FROM ${table} WHERE project_id = {projectId:String}`,
            params: { projectId },
          });
          counts[`clickhouse.${table}`] = Number(row!.n);
        }
        for (const { table_name } of tables) {
          const [row] = await stores.postgres.execute(`select count(*)::int as n from "${String(table_name)}" where project_id = $1`, [projectId]);
          counts[`postgres.${String(table_name)}`] = Number(row!.n);
        }
        const [own] = await stores.postgres.execute("select count(*)::int as n from projects where id = $1", [projectId]);
        counts["postgres.projects"] = Number(own!.n);
        return counts;
      }),
    );
  } finally {
    await stores.postgres.close();
    await stores.clickhouse.close();
  }
}

/**
 * A project deleted while the server is killed moments later: the restarted server finishes the
 * removal on its own, every row of the project goes from every table, and another project keeps
 * every row it had.
 */
describe("project deletion across a kill -9", () => {
  let remove: (() => Promise<void>) | undefined;
  afterAll(async () => remove?.());

  it("leaves nothing of the deleted project and everything of the other after a restart", async () => {
    const first = await startReliabilityServer();
    remove = first.remove;
    const doomed = await createProject(first.server.baseUrl, "doomed");
    const write = async (authorization: string, batches: number) => {
      for (let index = 0; index < batches; index++) {
        const traceId = randomUUID();
        const now = new Date().toISOString();
        const response = await fetch(`${first.server.baseUrl}/api/public/ingestion`, {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({
            batch: [
              { id: randomUUID(), type: "trace-create", timestamp: now, body: { id: traceId, sessionId: `s-${index % 5}` } },
              ...Array.from({ length: SPANS_PER_BATCH }, (_, span) => ({ id: randomUUID(), type: "span-create", timestamp: now, body: { id: `${traceId}-${span}`, traceId } })),
              { id: randomUUID(), type: "score-create", timestamp: now, body: { traceId, name: "q", value: 1 } },
            ],
          }),
        });
        expect(response.status).toBe(207);
      }
    };
    await Promise.all([write(doomed.authorization, BATCHES), write(first.project.authorization, BATCHES / 4)]);

    first.server.child.kill("SIGTERM");
    await first.server.exited;
    const [doomedBefore, keptBefore] = await rowsOf(first.dataDir, [doomed.projectId, "reliability-project"]);
    expect(doomedBefore!["clickhouse.observations"]).toBe(BATCHES * SPANS_PER_BATCH);

    const second = await startReliabilityServer({}, first.dataDir);
    const deleted = await fetch(`${second.server.baseUrl}/api/public/projects/${doomed.projectId}`, { method: "DELETE", headers: { authorization: doomed.orgAuthorization } });
    expect(deleted.status).toBe(202);
    second.server.child.kill("SIGKILL");
    await second.server.exited;
    const [doomedCut] = await rowsOf(first.dataDir, [doomed.projectId]);

    // The kill may land before the removal's last step or after it; when the project row is still
    // there, the removal was cut off, and the restarted server must finish it on its own.
    const cutOff = doomedCut!["postgres.projects"] === 1;
    const started = Date.now();
    // At info, so the line that reports the removal is written.
    const third = await startReliabilityServer({ LOG_LEVEL: "info" }, first.dataDir);
    const done = `Removed the data of deleted project ${doomed.projectId}`;
    while (cutOff && !third.server.output().includes(done) && Date.now() - started < 120_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const warnings = third.server
      .output()
      .split("\n")
      .filter((line) => line.includes("deleted project"));
    if (cutOff) expect(third.server.output(), warnings.join("\n")).toContain(done);
    const seconds = (Date.now() - started) / 1000;
    third.server.child.kill("SIGTERM");
    await third.server.exited;

    const [doomedAfter, keptAfter] = await rowsOf(first.dataDir, [doomed.projectId, "reliability-project"]);
    figure(
      "project deletion across a kill -9",
      `${doomedBefore!["clickhouse.observations"]} observations; after the kill ${doomedCut!["clickhouse.observations"]} were left and ${doomedCut!["postgres.projects"]} project row; ` +
        (cutOff ? `the restarted server finished the removal ${seconds.toFixed(1)} s after it was started` : "the removal had finished before the kill"),
    );
    expect(Object.entries(doomedAfter!).filter(([, rows]) => rows > 0)).toEqual([]);
    expect(keptAfter).toEqual(keptBefore);
  });
});
