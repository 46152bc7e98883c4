import { randomBytes, randomUUID } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, databaseUrl } from "../test/support/postgres-server.ts";
import { figure, scaled, startReliabilityServer, type ReliabilityServer } from "./support.ts";

const OUTAGE_MS = scaled(4_000, 20_000);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) process.stdout.write("[reliability] postgres outage: skipped, it needs a Postgres server (set DATABASE_URL)\n");

/**
 * The network between Wick and its Postgres server: it forwards connections until cut, then
 * refuses new ones and drops the open ones, as a stopped server does, until restored.
 */
class CuttablePath {
  private server: Server | undefined;
  private readonly open = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.open.add(socket);
        socket.on("close", () => this.open.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  cut(): void {
    this.server?.close();
    this.server = undefined;
    for (const socket of this.open) socket.destroy();
  }
}

describe.skipIf(!serverUrl)("a Postgres outage in server mode", () => {
  const database = `wick_outage_${randomBytes(4).toString("hex")}`;
  let path: CuttablePath;
  let started: ReliabilityServer;
  beforeAll(async () => {
    await admin(serverUrl!, (client) => client.query(`CREATE DATABASE ${database}`));
    const target = new URL(serverUrl!);
    path = new CuttablePath({ host: target.hostname, port: Number(target.port || 5432) });
    await path.restore();
    const throughPath = new URL(databaseUrl(serverUrl!, database));
    throughPath.hostname = "127.0.0.1";
    throughPath.port = String(path.port);
    started = await startReliabilityServer({ DATABASE_URL: throughPath.toString() });
  });
  afterAll(async () => {
    await started?.stop();
    path?.cut();
    await admin(serverUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  const call = async (method: string, route: string, body?: unknown) => {
    const began = performance.now();
    const response = await fetch(`${started.server.baseUrl}${route}`, {
      method,
      headers: { authorization: started.project.authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - began };
  };
  const traceBatch = (traceId: string) => ({ batch: [{ id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: traceId, name: "outage" } }] });

  it("answers every request without hanging or a 500, keeps what it acknowledged, and recovers when the server is back", async () => {
    const warm = await call("POST", "/api/public/ingestion", traceBatch(randomUUID()));
    expect(warm.status).toBe(207);

    path.cut();
    const acknowledged: string[] = [];
    const statuses = new Map<string, number>();
    let slowest = 0;
    const cutAt = performance.now();
    while (performance.now() - cutAt < OUTAGE_MS) {
      const traceId = randomUUID();
      const answers = await Promise.all([
        call("POST", "/api/public/ingestion", traceBatch(traceId)),
        call("GET", "/api/public/health"),
        call("GET", "/api/public/projects"),
        call("GET", "/api/public/traces?limit=5"),
      ]);
      for (const [index, answer] of answers.entries()) {
        expect(answer.status, answer.text).not.toBe(500);
        const key = `${["ingestion", "health", "projects", "traces"][index]} ${answer.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        slowest = Math.max(slowest, answer.ms);
      }
      if (answers[0]!.status === 207) acknowledged.push(traceId);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await path.restore();
    const restoredAt = performance.now();
    let healthy = false;
    while (!healthy && performance.now() - restoredAt < 30_000) {
      healthy = (await call("GET", "/api/public/health")).status === 200 && (await call("GET", "/api/public/projects")).status === 200;
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const recoveredMs = performance.now() - restoredAt;
    expect(healthy).toBe(true);

    let lost = 0;
    for (const traceId of acknowledged) if ((await call("GET", `/api/public/traces/${traceId}`)).status !== 200) lost += 1;
    expect(lost).toBe(0);
    const counts = [...statuses].map(([key, count]) => `${key} ×${count}`).join(", ");
    figure(
      "postgres outage",
      `${(OUTAGE_MS / 1000).toFixed(0)} s down: ${counts}; slowest answer ${slowest.toFixed(0)} ms; ${acknowledged.length} acknowledged writes, ${lost} lost; health and projects back ${recoveredMs.toFixed(0)} ms after the server`,
    );
  });
});
