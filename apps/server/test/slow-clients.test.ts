import { createHash, randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callPublic, createTestApp, listen, type TestApp } from "./support/harness.ts";
import { openSocket } from "./support/raw-socket.ts";

const limits = { requestTimeoutMs: 1_000, maxConnections: 12 };
/** How long a slow client keeps dripping: far beyond the timeout, so only the server can end it sooner. */
const DRIP_FOR_MS = 15_000;

interface Outcome {
  /** Everything the server wrote. */
  answer: string;
  /** True when the server closed the connection before the client gave up. */
  closedByServer: boolean;
}

/** Sends `head`, then one byte of `drip` every 100 ms, until the server closes or time runs out. */
async function slowClient(port: number, head: string, drip: string): Promise<Outcome> {
  const socket = await openSocket(port);
  return new Promise((resolve) => {
    let answer = "";
    let gaveUp = false;
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("error", () => {});
    socket.write(head);
    const timer = setInterval(() => socket.writable && socket.write(drip), 100);
    const deadline = setTimeout(() => {
      gaveUp = true;
      socket.destroy();
    }, DRIP_FOR_MS);
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(deadline);
      resolve({ answer, closedByServer: !gaveUp });
    });
  });
}

const bodyHead = (path: string, authorization?: string) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n` +
  `${authorization ? `Authorization: ${authorization}\r\n` : ""}\r\n{"batch":[`;

const timedOut = { message: "The request did not arrive within 1 s", error: "RequestTimeoutError" };

function lastJsonBody(answer: string): unknown {
  return JSON.parse(answer.slice(answer.lastIndexOf("\r\n\r\n") + 4));
}

describe("slow and greedy clients", () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp("embedded", { connectionLimits: limits });
    port = Number(new URL(await listen(t.app)).port);
  });
  afterAll(async () => t?.close());

  it.each([
    ["an authenticated ingestion body", () => bodyHead("/api/public/ingestion", t.project.basic)],
    ["an unauthenticated body to health", () => bodyHead("/api/public/health")],
    ["a body to an unknown path", () => bodyHead("/api/public/nowhere")],
  ])("cuts off %s dripped at 10 bytes/s with a 408", async (_case, head) => {
    const outcome = await slowClient(port, head(), "{");
    expect(outcome.closedByServer).toBe(true);
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(lastJsonBody(outcome.answer)).toEqual(timedOut);
  });

  it("cuts off a body still dripping after its 401", async () => {
    const outcome = await slowClient(port, bodyHead("/api/public/scores"), "{");
    expect(outcome.closedByServer).toBe(true);
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(outcome.answer).toContain("HTTP/1.1 408 Request Timeout");
  });

  it("cuts off headers that never end", async () => {
    const outcome = await slowClient(port, "GET /api/public/health HTTP/1.1\r\nHost: localhost\r\n", "X");
    expect(outcome.closedByServer).toBe(true);
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(lastJsonBody(outcome.answer)).toEqual(timedOut);
  });

  /** A signed upload URL of the local store for `bytes`, as `POST /media` hands it to an SDK. */
  async function signedUpload(bytes: Buffer): Promise<{ mediaId: string; headers: string }> {
    const sha256Hash = createHash("sha256").update(bytes).digest("base64");
    const response = await callPublic(t, "POST", "/media", {
      body: { traceId: randomUUID(), field: "input", contentType: "application/octet-stream", contentLength: bytes.length, sha256Hash },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { mediaId, uploadUrl } = response.json();
    const url = new URL(uploadUrl);
    const headers =
      `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n` +
      `Content-Length: ${bytes.length}\r\nx-amz-checksum-sha256: ${sha256Hash}\r\n\r\n`;
    return { mediaId, headers };
  }

  /** Sends `head`, then `body` in `pieces`, one every `everyMs`, `stopAfter` of them at most; resolves with the answer. */
  async function pacedClient(head: string, body: Buffer, pieces: number, everyMs: number, stopAfter = pieces): Promise<Outcome> {
    const socket = await openSocket(port);
    return new Promise((resolve) => {
      let answer = "";
      let sent = 0;
      socket.on("data", (chunk) => {
        answer += chunk;
        // A whole answer (both the 200 and the 408 come in one write): nothing more will follow.
        if (answer.includes("\r\n\r\n")) socket.destroy();
      });
      socket.on("error", () => {});
      socket.write(head);
      const size = Math.ceil(body.length / pieces);
      const timer = setInterval(() => {
        if (sent < stopAfter && socket.writable) socket.write(body.subarray(sent * size, (sent + 1) * size));
        sent += 1;
      }, everyMs);
      const deadline = setTimeout(() => socket.destroy(), DRIP_FOR_MS);
      socket.on("close", () => {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve({ answer, closedByServer: answer.includes("408") });
      });
    });
  }

  it("waits longer than the timeout for a large upload to the local store that keeps coming, and cuts it off once it stalls", async () => {
    // 200 kB gets 1 s + 2 s: sent over 2 s, it arrives after the 1 s timeout and before its allowance ends.
    const bytes = randomBytes(200_000);
    const steady = await signedUpload(bytes);
    const started = performance.now();
    const arrived = await pacedClient(steady.headers, bytes, 10, 200);
    expect(performance.now() - started).toBeGreaterThan(limits.requestTimeoutMs);
    expect(arrived.answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    const reported = await callPublic(t, "PATCH", `/media/${steady.mediaId}`, {
      body: { uploadedAt: new Date().toISOString(), uploadHttpStatus: 200, uploadHttpError: null, uploadTimeMs: 2000 },
    });
    expect(reported.statusCode, reported.body).toBe(200);
    const media = await callPublic(t, "GET", `/media/${steady.mediaId}`);
    expect(media.statusCode, media.body).toBe(200);
    // Signed for the host `inject` names; the signature covers the path, so the real port serves it.
    const download = await fetch(`http://127.0.0.1:${port}${new URL(media.json().url).pathname}${new URL(media.json().url).search}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

    const other = randomBytes(200_000);
    const stalled = await signedUpload(other);
    const outcome = await pacedClient(stalled.headers, other, 10, 200, 3);
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(lastJsonBody(outcome.answer)).toEqual(timedOut);
    // Nothing of the cut-off upload is stored: a later upload of the same bytes is still asked for.
    const again = await callPublic(t, "POST", "/media", {
      body: {
        traceId: randomUUID(),
        field: "input",
        contentType: "application/octet-stream",
        contentLength: other.length,
        sha256Hash: createHash("sha256").update(other).digest("base64"),
      },
    });
    expect(again.json()).toEqual({ mediaId: stalled.mediaId, uploadUrl: expect.any(String) });
  });

  it("answers 503 past the connection cap, and serves again once connections close", async () => {
    const held = await Promise.all(Array.from({ length: limits.maxConnections }, () => openSocket(port)));
    try {
      const refused = await new Promise<string>((resolve) => {
        void openSocket(port).then((socket) => {
          let answer = "";
          socket.on("data", (chunk) => (answer += chunk));
          socket.on("close", () => resolve(answer));
          socket.write("GET /api/public/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        });
      });
      expect(refused).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      expect(refused).toMatch(/\r\nRetry-After: 1\r\n/);
      expect(lastJsonBody(refused)).toEqual({ message: "The server has 12 connections open; retry shortly", error: "ServiceUnavailableError" });
    } finally {
      for (const socket of held) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await fetch(`http://127.0.0.1:${port}/api/public/health`);
    expect(response.status).toBe(200);
  });
});
