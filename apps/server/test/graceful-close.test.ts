import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSocket } from "./support/raw-socket.ts";
import { createTestApp, listen } from "./support/harness.ts";

/** Far below the keep-alive timeout (72 s) that a connection left open would hold the close for. */
const CLOSE_BOUND_MS = 10_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${CLOSE_BOUND_MS} ms`)), CLOSE_BOUND_MS);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

describe("closing the server", () => {
  it("finishes a request in flight on a keep-alive connection, then closes that connection and stops", async () => {
    const t = await createTestApp("embedded");
    const port = Number(new URL(await listen(t.app)).port);
    const traceId = randomUUID();
    const body = JSON.stringify({ batch: [{ id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: traceId, name: "in flight" } }] });
    const socket = await openSocket(port);
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk));
    const closedByServer = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    // Half the body now: the request is in flight when the close starts, so its connection is not idle then.
    const half = Math.floor(body.length / 2);
    socket.write(
      `POST /api/public/ingestion HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\nAuthorization: ${t.project.basic}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(body.slice(half));

    await within(closedByServer, "closing the connection once its answer was sent");
    await within(closed, "the server's close");
    expect(answer).toMatch(/^HTTP\/1\.1 207 Multi-Status\r\n/);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ successes: [{ status: 201 }], errors: [] });
    // The event the close let through was stored.
    const read = await t.services.reads.trace(t.project.id, traceId, new Set(["core"]));
    expect(read?.name).toBe("in flight");
    await t.close();
  });

  it("cuts, once the grace has passed, a connection that never sent a request, and stops", async () => {
    const t = await createTestApp("embedded", { closeGraceMs: 500 });
    const port = Number(new URL(await listen(t.app)).port);
    const socket = await openSocket(port);
    const closedByServer = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await within(t.app.close(), "the server's close");
    await within(closedByServer, "cutting the connection");
    await t.close();
  });
});
