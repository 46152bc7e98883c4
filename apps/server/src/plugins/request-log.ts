import { LogController, type FastifyReply, type FastifyRequest } from "fastify";

/**
 * One line per finished request, in place of Fastify's two. Routine traffic (anything answered
 * below 400, health checks included) is logged at debug, so the default log shows what needs a
 * look: rejected and failed requests.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.statusCode;
    const level = error || status >= 500 ? "error" : status >= 400 ? "info" : "debug";
    reply.log[level](`${request.method} ${request.url} ${status} ${reply.elapsedTime.toFixed(0)} ms`);
  }
}
