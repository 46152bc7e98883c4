import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { basicAuthHeader } from "./support/harness.ts";
import { startServerProcess, type ServerProcess } from "./support/server-process.ts";

const keys = { publicKey: "pk-lf-durability", secretKey: "sk-lf-durability" };
const authorization = basicAuthHeader(keys.publicKey, keys.secretKey);

describe("a server killed with SIGKILL right after acknowledging", () => {
  let dataDir: string | undefined;
  let running: ServerProcess | undefined;
  afterAll(async () => {
    running?.child.kill("SIGKILL");
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps every acknowledged event, and stops cleanly on SIGTERM", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "wick-durability-"));
    const env = {
      DATA_DIR: dataDir,
      LANGFUSE_INIT_ORG_ID: "org-durability",
      LANGFUSE_INIT_PROJECT_ID: "project-durability",
      LANGFUSE_INIT_PROJECT_PUBLIC_KEY: keys.publicKey,
      LANGFUSE_INIT_PROJECT_SECRET_KEY: keys.secretKey,
    };
    running = await startServerProcess(env);
    const traceIds = Array.from({ length: 20 }, () => randomUUID());
    const spanIds = traceIds.map(() => randomUUID());
    const now = new Date().toISOString();
    const batch = traceIds.flatMap((traceId, i) => [
      { id: randomUUID(), type: "trace-create", timestamp: now, body: { id: traceId, name: `trace-${i}` } },
      { id: randomUUID(), type: "span-create", timestamp: now, body: { id: spanIds[i], traceId, name: `span-${i}`, startTime: now } },
    ]);
    const response = await fetch(`${running.baseUrl}/api/public/ingestion`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ batch }),
    });
    expect(response.status).toBe(207);
    running.child.kill("SIGKILL");
    expect((await running.exited).signal).toBe("SIGKILL");
    expect(((await response.json()) as { successes: unknown[] }).successes).toHaveLength(40);

    running = await startServerProcess(env);
    for (const [i, traceId] of traceIds.entries()) {
      const trace = await fetch(`${running.baseUrl}/api/public/traces/${traceId}`, { headers: { authorization } });
      expect(trace.status).toBe(200);
      const body = (await trace.json()) as { name: string; observations: Array<{ id: string }> };
      expect(body.name).toBe(`trace-${i}`);
      expect(body.observations.map((o) => o.id)).toEqual([spanIds[i]]);
    }

    running.child.kill("SIGTERM");
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.output()).not.toMatch(/"level":50/);
    running = undefined;
  });
});
