import type { FastifyInstance } from "fastify";

/** How often a closing server looks for connections that have turned idle. */
const SWEEP_MS = 50;

/**
 * Fastify closes the idle keep-alive connections once, when it starts closing. A connection still
 * answering at that moment (a file streaming out, an ingestion batch being written) turns idle a
 * little later and would hold the close, and so a SIGTERM's shutdown, until its keep-alive timeout
 * runs out (72 s). While the server closes, such connections are closed as soon as they are idle.
 */
export function closeConnectionsAsTheyTurnIdle(app: FastifyInstance): void {
  app.addHook("preClose", (done) => {
    const server = app.server;
    if (server.listening) {
      const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
      server.once("close", () => clearInterval(sweep));
    }
    done();
  });
}
