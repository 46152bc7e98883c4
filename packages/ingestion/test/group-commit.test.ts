import { describe, expect, it } from "vitest";
import { GroupCommitWriter, type EntityEvent } from "../src/index.ts";

const event = (entityId: string, projectId = "p"): EntityEvent => ({
  projectId,
  kind: "trace",
  entityId,
  event: { eventId: entityId, type: "trace-create", timestamp: "2025-01-01T00:00:00.000Z", body: { id: entityId } },
  attribution: { publicKey: "pk", sdkName: "test", sdkVersion: "1" },
});

/** A round writer that refuses any round holding a `poison` entity, as storage refuses a bad value. */
function refusingPoison() {
  const rounds: string[][] = [];
  const writeRound = async (events: EntityEvent[]) => {
    rounds.push(events.map((e) => e.entityId));
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (events.some((e) => e.entityId.startsWith("poison"))) throw new Error(`refused ${events.length} events`);
  };
  return { rounds, writeRound };
}

describe("group commit when a round fails", () => {
  it("splits the round until only the request carrying the cause fails", async () => {
    const { rounds, writeRound } = refusingPoison();
    const writer = new GroupCommitWriter(writeRound);
    // The first write occupies a round of its own; the next eight queue up and share one.
    const first = writer.write([event("warm-up")]);
    const requests = Array.from({ length: 8 }, (_, i) => writer.write(i === 5 ? [event("ok-5a"), event("poison"), event("ok-5b")] : [event(`ok-${i}`)]));
    const outcomes = await Promise.allSettled([first, ...requests]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", ...Array.from({ length: 8 }, (_, i) => (i === 5 ? "rejected" : "fulfilled"))]);
    expect((outcomes[6] as PromiseRejectedResult).reason).toEqual(new Error("refused 3 events"));
    // The shared round, its halves, and so on down to the guilty request alone.
    expect(rounds[1]).toHaveLength(10);
    expect(rounds.at(-1)).toEqual(["ok-6", "ok-7"]);
    expect(rounds.filter((round) => round.includes("poison")).map((round) => round.length)).toEqual([10, 6, 4, 3]);
  });

  it("fails the whole round at once when the cause would fail any round", async () => {
    const { rounds, writeRound } = refusingPoison();
    const writer = new GroupCommitWriter(writeRound, { failsEveryRound: () => true });
    const first = writer.write([event("warm-up")]);
    const requests = Array.from({ length: 4 }, (_, i) => writer.write([event(i === 0 ? "poison" : `ok-${i}`)]));
    const outcomes = await Promise.allSettled([first, ...requests]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "rejected", "rejected", "rejected"]);
    expect(rounds).toHaveLength(2);
  });
});

describe("exclusive tasks", () => {
  it("run apart from their project's writes: after those queued before them and before those queued after", async () => {
    const log: string[] = [];
    const writer = new GroupCommitWriter(async (events) => {
      log.push(`round start ${events.map((e) => e.entityId).join(",")}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push("round end");
    });
    const first = writer.write([event("a")]);
    const queued = [writer.write([event("b")]), writer.write([event("c")])];
    const exclusive = writer.exclusive("p", async () => {
      log.push("exclusive start");
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push("exclusive end");
    });
    const after = writer.write([event("d")]);
    await Promise.all([first, ...queued, exclusive, after]);
    expect(log).toEqual(["round start a", "round end", "round start b,c", "round end", "exclusive start", "exclusive end", "round start d", "round end"]);
  });

  it("do not wait for other projects' rounds, nor hold them up", async () => {
    const log: string[] = [];
    const writer = new GroupCommitWriter(async (events) => {
      log.push(`round start ${events.map((e) => e.entityId).join(",")}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push(`round end ${events.map((e) => e.entityId).join(",")}`);
    });
    const first = writer.write([event("p1", "p")]);
    let releaseTask!: () => void;
    const exclusive = writer.exclusive("q", async () => {
      log.push("q task start");
      await new Promise<void>((resolve) => (releaseTask = resolve));
      log.push("q task end");
    });
    const laterQ = writer.write([event("q1", "q")]);
    const laterP = writer.write([event("p2", "p")]);
    await laterP;
    // The task started while p's first round was written, and p's next round did not wait for it.
    expect(log).toEqual(["round start p1", "q task start", "round end p1", "round start p2", "round end p2"]);
    releaseTask();
    await Promise.all([first, exclusive, laterQ]);
    expect(log.slice(5)).toEqual(["q task end", "round start q1", "round end q1"]);
  });

  it("wait for a round that holds their project, even among others", async () => {
    const log: string[] = [];
    const writer = new GroupCommitWriter(async (events) => {
      log.push(`round start ${events.map((e) => e.entityId).join(",")}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push("round end");
    });
    const first = writer.write([event("p1", "p")]);
    const shared = [writer.write([event("p2", "p")]), writer.write([event("q1", "q")])];
    const exclusive = writer.exclusive("q", async () => void log.push("q task"));
    await Promise.all([first, ...shared, exclusive]);
    expect(log).toEqual(["round start p1", "round end", "round start p2,q1", "round end", "q task"]);
  });

  it("leave the writer idle for close() once everything settled", async () => {
    const writer = new GroupCommitWriter(async () => new Promise((resolve) => setTimeout(resolve, 10)));
    const pending = [writer.write([event("a")]), writer.exclusive("p", async () => new Promise((resolve) => setTimeout(resolve, 10))), writer.write([event("b")])];
    await writer.close();
    const states = await Promise.allSettled(pending);
    expect(states.map((state) => state.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    await expect(writer.write([event("c")])).rejects.toThrow("the ingestion writer is closed");
  });

  it("report their own failure and leave the writer working", async () => {
    const writer = new GroupCommitWriter(async () => undefined);
    await expect(writer.exclusive("p", async () => Promise.reject(new Error("delete failed")))).rejects.toThrow("delete failed");
    await expect(writer.write([event("e")])).resolves.toBeUndefined();
  });
});
