import type { FastifyReply } from "fastify";

/**
 * Lets at most `slots` requests through at once; the others wait their turn in arrival order. A
 * slot is held until the response is sent or the connection closes, since what bounds memory is
 * the response being built and written, not only the query behind it.
 */
export class ConcurrencyGate {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly slots: number) {}

  async enter(reply: FastifyReply): Promise<void> {
    if (this.busy >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy += 1;
    reply.raw.once("close", () => this.leave());
  }

  private leave(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next request, so `busy` never drops below what is running.
    if (next) next();
    else this.busy -= 1;
  }
}
