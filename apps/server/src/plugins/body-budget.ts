import type { FastifyReply, FastifyRequest } from "fastify";
import { sendErrorBody } from "./error-handler.ts";

/** 64 MiB: a dozen maximal ingestion batches, or one maximal OTLP export, at once. */
export const DEFAULT_IN_FLIGHT_BODY_BYTES = 64 * 1024 * 1024;

/**
 * Bounds the bytes of large request bodies (ingestion batches, OTLP exports) held at once: a body
 * is parsed into several times its size, so concurrent multi-megabyte batches would otherwise grow
 * memory without limit. A request that would exceed the budget is answered 503 with Retry-After,
 * which the SDKs retry, before its body is read. One request is always let in, so a body larger
 * than the whole budget is still served when it comes alone.
 */
export class BodyBudget {
  private inFlight = 0;

  constructor(readonly limitBytes: number) {}

  /** A route-level `onRequest` hook; it runs after authentication, so refused clients cost nothing. */
  readonly reserve = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const declared = Number(request.headers["content-length"]);
    // A body without a length (chunked) may be as large as the route accepts.
    const size = Number.isSafeInteger(declared) && declared >= 0 ? declared : (request.routeOptions.bodyLimit ?? this.limitBytes);
    if (this.inFlight > 0 && this.inFlight + size > this.limitBytes) {
      reply.header("retry-after", "1");
      await sendErrorBody(reply, 503, {
        message: `The server is holding ${Math.round(this.inFlight / 1024)} KiB of request bodies, its limit; retry shortly`,
        error: "ServiceUnavailableError",
      });
      return;
    }
    this.inFlight += size;
    reply.raw.once("close", () => {
      this.inFlight -= size;
    });
  };
}
