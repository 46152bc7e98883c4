import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { ConcurrencyGate } from "../src/plugins/concurrency-gate.ts";

describe("ConcurrencyGate", () => {
  it("runs at most its slots at once, serves everyone in arrival order, and frees the slot of a failed request", async () => {
    const gate = new ConcurrencyGate(2);
    const app = Fastify();
    let running = 0;
    let mostAtOnce = 0;
    const started: number[] = [];
    app.get<{ Querystring: { n: string } }>("/work", async (request, reply) => {
      await gate.enter(reply);
      started.push(Number(request.query.n));
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
      return reply.send({ n: Number(request.query.n) });
    });
    app.get("/fail", async (_request, reply) => {
      await gate.enter(reply);
      throw new Error("boom");
    });
    await app.ready();
    const answers = await Promise.all(Array.from({ length: 7 }, (_, n) => app.inject({ method: "GET", url: `/work?n=${n}` })));
    expect(answers.map((answer) => answer.json().n)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(mostAtOnce).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);

    // A request whose handler fails still gives its slot back once its (error) response is sent.
    const failures = await Promise.all(Array.from({ length: 3 }, () => app.inject({ method: "GET", url: "/fail" })));
    expect(failures.map((answer) => answer.statusCode)).toEqual([500, 500, 500]);
    expect((await app.inject({ method: "GET", url: "/work?n=7" })).json()).toEqual({ n: 7 });
    await app.close();
  });
});
