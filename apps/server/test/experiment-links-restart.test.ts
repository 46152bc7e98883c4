import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { basicAuthHeader } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { startServerProcess, type ServerProcess } from "./support/server-process.ts";

const keys = { publicKey: "pk-lf-links-restart", secretKey: "sk-lf-links-restart" };
const authorization = basicAuthHeader(keys.publicKey, keys.secretKey);
const T0 = Date.UTC(2025, 8, 1, 9, 0, 0);
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/**
 * On embedded storage a write round looks up run items only in projects known to have some, read
 * at start-up: a project linked before a restart must still have its traces derived after it.
 */
describe("experiment events of a trace linked before a restart", () => {
  let dataDir: string | undefined;
  let running: ServerProcess | undefined;
  afterAll(async () => {
    running?.child.kill("SIGKILL");
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running!.baseUrl}/api/public${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = { status: response.status, body: (await response.json()) as Record<string, unknown> };
    expectReferenceResponse({ method, path: `/api/public${path.split("?")[0]}` }, answer.status, answer.body);
    return answer;
  };
  const ingest = async (batch: unknown[]) => {
    const response = await call("POST", "/ingestion", { batch });
    expect(response.status).toBe(207);
    expect(response.body.errors).toEqual([]);
  };
  const span = (id: string, traceId: string, start: number, end: number) => ({
    id: randomUUID(),
    type: "span-create",
    timestamp: iso(start),
    body: { id, traceId, name: "step", startTime: iso(start), endTime: iso(end) },
  });

  it("derives the spans the trace gets after the restart", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "wick-links-restart-"));
    const env = {
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      LANGFUSE_INIT_ORG_ID: "org-links-restart",
      LANGFUSE_INIT_PROJECT_ID: "project-links-restart",
      LANGFUSE_INIT_PROJECT_PUBLIC_KEY: keys.publicKey,
      LANGFUSE_INIT_PROJECT_SECRET_KEY: keys.secretKey,
    };
    running = await startServerProcess(env);
    const datasetName = `restart-${randomUUID().slice(0, 8)}`;
    expect((await call("POST", "/v2/datasets", { name: datasetName })).status).toBe(200);
    const item = await call("POST", "/dataset-items", { datasetName, input: { question: "2+2?" } });
    expect(item.status).toBe(200);
    const traceId = randomUUID();
    await ingest([{ id: randomUUID(), type: "trace-create", timestamp: iso(0), body: { id: traceId, name: "answer", timestamp: iso(0) } }, span(randomUUID(), traceId, 1, 5)]);
    const runName = `run-${randomUUID().slice(0, 8)}`;
    expect((await call("POST", "/dataset-run-items", { runName, datasetItemId: item.body.id, traceId })).status).toBe(200);

    running.child.kill("SIGTERM");
    expect(await running.exited).toEqual({ code: 0, signal: null });
    running = await startServerProcess(env);
    // The rebuild at start-up reads which projects have run items: wait until it has.
    const deadline = Date.now() + 30_000;
    while (!/Derived the experiment events of 1 linked traces/.test(running.output()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(running.output()).toMatch(/Derived the experiment events of 1 linked traces/);

    await ingest([span(randomUUID(), traceId, 6, 40)]);
    const listed = await call("GET", `/experiments?fromStartTime=${iso(-60)}&toStartTime=${iso(60)}&name=${encodeURIComponent(runName)}`);
    // The experiment ends with its trace's latest span, the one written after the restart.
    expect(listed.body.data).toMatchObject([{ name: runName, startTime: iso(0), endTime: iso(40), itemCount: 1 }]);

    running.child.kill("SIGTERM");
    expect(await running.exited).toEqual({ code: 0, signal: null });
    running = undefined;
  });
});
