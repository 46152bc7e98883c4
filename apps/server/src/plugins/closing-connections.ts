import type { FastifyInstance } from "fastify";

/** How often a closing server looks for connections that have turned idle. */
const SWEEP_MS = 50;

/**
 * How long a closing server waits for the requests in flight before it cuts every connection: well
 * inside the 10 s a container runtime gives a stop before it kills the process, with time left to
 * close the stores.
 */
export const DEFAULT_CLOSE_GRACE_MS = 5_000;

/**
 * Fastify closes the idle keep-alive connections once, when it starts closing. A connection still
 * answering at that moment (a file streaming out, an ingestion batch being written) turns idle a
 * little later and would hold the close, and so a SIGTERM's shutdown, until its keep-alive timeout
 * runs out (72 s); one that never sent a request, or whose client stopped reading a long answer,
 * would hold it for as long as the client keeps it open. While the server closes, connections are
 * closed as soon as they are idle, and all that remain once the grace has passed.
 */
export function closeConnectionsWhileClosing(app: FastifyInstance, graceMs = DEFAULT_CLOSE_GRACE_MS): void {
  app.addHook("preClose", (done) => {
    const server = app.server;
    if (server.listening) {
      const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      server.once("close", () => {
        clearInterval(sweep);
        clearTimeout(deadline);
      });
    }
    done();
  });
}
