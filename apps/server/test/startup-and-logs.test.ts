import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnServerProcess, startServerProcess, type ServerProcess } from "./support/server-process.ts";

const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

describe("the server process as a person at a terminal runs it", () => {
  let dataDir: string | undefined;
  let running: ServerProcess | undefined;
  afterAll(async () => {
    running?.child.kill("SIGKILL");
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("logs readable lines, one per failed request and none for routine traffic", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "wick-startup-"));
    running = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: "info", LOG_FORMAT: "text" });
    for (let i = 0; i < 3; i++) expect((await fetch(`${running.baseUrl}/api/public/health`)).status).toBe(200);
    expect((await fetch(`${running.baseUrl}/api/public/traces?page=1`)).status).toBe(401);
    // The request log is written after the response is sent.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const output = running.output();
    expect(output).toContain("Creating embedded Postgres");
    expect(output).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Wick is ready on http:\/\/localhost:\d+/m);
    expect(lines(output).filter((line) => line.startsWith("{"))).toEqual([]);
    expect(output).not.toContain("/api/public/health");
    expect(lines(output).filter((line) => line.includes("/api/public/traces"))).toEqual([expect.stringMatching(/INFO: GET \/api\/public\/traces\?page=1 401 \d+ ms$/)]);
  });

  it("refuses a second server on the same data directory before opening its Postgres, naming the holder", async () => {
    const pid = running!.child.pid!;
    const second = spawnServerProcess({ DATA_DIR: dataDir!, PORT: "0", LOG_LEVEL: "info", LOG_FORMAT: "text" });
    expect(await second.exited).toEqual({ code: 1, signal: null });
    const output = second.output();
    expect(output).toContain(`Wick cannot start: process ${pid} (another Wick?) is using the data directory ${dataDir}.`);
    expect(output).not.toMatch(/embedded Postgres/);
    expect(output).not.toMatch(/\bat \S+:\d+:\d+/);
  });

  it("says nothing of creating Postgres on a warm start, and logs JSON when asked to", async () => {
    running!.child.kill("SIGTERM");
    expect(await running!.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir!, "postgres", "PG_VERSION"))).toBe(true);

    running = await startServerProcess({ DATA_DIR: dataDir!, LOG_LEVEL: "info", LOG_FORMAT: "json" });
    expect((await fetch(`${running.baseUrl}/api/public/projects`)).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const records = lines(running.output()).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(records.map((record) => record.msg)).toContain(`Opening embedded Postgres in ${join(dataDir!, "postgres")}`);
    expect(records.some((record) => record.msg.startsWith("Creating embedded Postgres"))).toBe(false);
    expect(records.filter((record) => record.msg.includes("/api/public/projects"))).toEqual([
      expect.objectContaining({ level: 30, msg: expect.stringMatching(/^GET \/api\/public\/projects 401 \d+ ms$/) }),
    ]);
  });
});
