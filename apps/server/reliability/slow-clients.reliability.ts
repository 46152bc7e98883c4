import { readdirSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../test/support/server-process.ts";
import { figure, scaled, startReliabilityServer } from "./support.ts";

const SOCKETS = scaled(300, 2_000);
const TIMEOUT_SECONDS = 2;
/** Node sweeps request timeouts every quarter of the timeout (at most 1 s), so that is the slack. */
const BOUND_MS = TIMEOUT_SECONDS * 1_000 + 1_000;

const openDescriptors = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

/** A client that sends headers and then one body byte every 500 ms; resolves with when the server closed it. */
function dripClient(port: number, authorization: string | undefined, path: string): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = "";
    const socket: Socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n${authorization ? `Authorization: ${authorization}\r\n` : ""}\r\n{`,
      );
    });
    const drip = setInterval(() => socket.writable && socket.write(" "), 500);
    // A bounded test: past four times the bound the client gives up on its own.
    const giveUp = setTimeout(() => socket.destroy(), BOUND_MS * 4);
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - started, answer });
    });
  });
}

describe("slow clients at scale", () => {
  let server: ServerProcess;
  let stop: () => Promise<void>;
  let authorization: string;
  beforeAll(async () => {
    const started = await startReliabilityServer({ WICK_REQUEST_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS), WICK_MAX_CONNECTIONS: String(SOCKETS + 100) });
    server = started.server;
    authorization = started.project.authorization;
    stop = started.stop;
  });
  afterAll(async () => stop?.());

  it("are all cut off within the configured bound, and give back their descriptors", async () => {
    const port = Number(new URL(server.baseUrl).port);
    const pid = server.child.pid!;
    const before = openDescriptors(pid);
    const paths = ["/api/public/ingestion", "/api/public/health", "/api/public/scores", "/api/public/nowhere"];
    const clients = Array.from({ length: SOCKETS }, (_, i) => dripClient(port, i % 2 === 0 ? authorization : undefined, paths[i % paths.length]!));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = openDescriptors(pid);
    const outcomes = await Promise.all(clients);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = openDescriptors(pid);
    const slowest = Math.max(...outcomes.map((outcome) => outcome.closedAfterMs));
    const timedOut = outcomes.filter((outcome) => outcome.answer.includes("408 Request Timeout")).length;
    figure(
      "slow clients",
      `${SOCKETS} dripping sockets all closed by the server within ${(slowest / 1000).toFixed(1)} s (bound ${BOUND_MS / 1000} s), ${timedOut} answered 408; server descriptors ${before} → ${during} → ${after}`,
    );
    // A 408 comes only from the server's timeout: a client that gave up on its own has none.
    expect(timedOut).toBe(SOCKETS);
    expect(after).toBeLessThanOrEqual(before + 5);
    expect((await fetch(`${server.baseUrl}/api/public/health`)).status).toBe(200);
  });
});
