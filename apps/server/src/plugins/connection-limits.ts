import { type IncomingMessage, STATUS_CODES, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Bounds on what one client can hold open, so that slow or idle clients cannot exhaust the server. */
export interface ConnectionLimits {
  /** Headers and body of a request must arrive within this, or the client is answered 408 and cut off. */
  requestTimeoutMs: number;
  /** Connections open at once; one more is answered 503 and closed before its request is read. */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { requestTimeoutMs: 60_000, maxConnections: 1_000 };

/** A complete HTTP/1.1 answer written straight to a socket that never reaches Fastify's routing. */
function rawAnswer(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): string {
  const text = JSON.stringify(body);
  const lines = Object.entries({ "Content-Type": "application/json", Connection: "close", ...headers, "Content-Length": String(Buffer.byteLength(text)) });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.map(([name, value]) => `${name}: ${value}`).join("\r\n")}\r\n\r\n${text}`;
}

/**
 * Node bounds the headers; bodies get `bodyDeadlines`, since Node's own request timeout is one
 * figure for the whole server and an upload of a large file needs longer than a JSON body. Node's
 * headers sweep runs every `connectionsCheckingInterval` (30 s by default), so a timeout is enforced
 * up to that much late; sweeping a few times per timeout keeps it close.
 */
export function httpServerOptions(limits: ConnectionLimits) {
  return {
    headersTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.requestTimeoutMs / 4))),
  };
}

const timedOut = (limits: ConnectionLimits) => rawAnswer(408, { message: `The request did not arrive within ${limits.requestTimeoutMs / 1000} s`, error: "RequestTimeoutError" });

const deadlines = new WeakMap<IncomingMessage, { timer: NodeJS.Timeout; extend(ms: number): void }>();

/**
 * Gives a request's body more time than the server-wide timeout: a route that takes large bodies
 * (the local store's uploads) calls it once it knows the body's size.
 */
export function allowBodyTime(request: IncomingMessage, extraMs: number): void {
  deadlines.get(request)?.extend(extraMs);
}

/**
 * Cuts off a request whose body has not arrived within the timeout (plus what its route allowed),
 * even after the request was answered, as a client that keeps dripping bytes into a connection
 * holds it. The 408 goes out only when no answer is half written.
 */
export function bodyDeadlines(server: Server, limits: ConnectionLimits): void {
  server.prependListener("request", (request: IncomingMessage, response: ServerResponse) => {
    if (request.complete) return;
    let allowedMs = limits.requestTimeoutMs;
    const started = Date.now();
    const expire = () => {
      if (request.complete) return;
      const socket = request.socket;
      if (socket.writable && (!response.headersSent || response.writableFinished)) socket.write(timedOut(limits));
      socket.destroy();
    };
    const deadline = {
      timer: setTimeout(expire, allowedMs),
      extend(ms: number) {
        allowedMs += ms;
        clearTimeout(deadline.timer);
        deadline.timer = setTimeout(expire, Math.max(0, started + allowedMs - Date.now()));
      },
    };
    deadlines.set(request, deadline);
    const settle = () => clearTimeout(deadline.timer);
    request.once("end", settle);
    request.once("close", settle);
  });
}

/**
 * Fastify's `clientErrorHandler`: what Node reports about a client before a request reaches a route
 * (a request too slow to arrive, oversized headers, unparsable HTTP), answered in the API's error
 * shape.
 */
export function clientErrorHandler(limits: ConnectionLimits) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const answer =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? timedOut(limits)
        : error.code === "HPE_HEADER_OVERFLOW"
          ? rawAnswer(431, { message: "The request headers exceed 16 KiB", error: "RequestHeaderFieldsTooLargeError" })
          : rawAnswer(400, { message: "Malformed HTTP request", error: "InvalidRequestError" });
    if (socket.writable) socket.write(answer);
    socket.destroy();
  };
}

/**
 * Caps open connections. The check runs before Node's HTTP parser sees the socket, so a connection
 * over the cap is answered 503 whatever it sends and costs nothing more.
 */
export function capConnections(server: Server, limits: ConnectionLimits): void {
  let open = 0;
  const refusal = rawAnswer(503, { message: `The server has ${limits.maxConnections} connections open; retry shortly`, error: "ServiceUnavailableError" }, { "Retry-After": "1" });
  server.prependListener("connection", (socket: Socket) => {
    if (open >= limits.maxConnections) {
      socket.on("error", () => {});
      socket.end(refusal);
      return;
    }
    open += 1;
    socket.once("close", () => {
      open -= 1;
    });
  });
}
