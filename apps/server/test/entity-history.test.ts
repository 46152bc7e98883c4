import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IngestionEvent } from "@wick/contracts";
import { RowDeletes, type ClickHouseStore } from "@wick/clickhouse";
import { EntityMerger, ExclusiveLogHistory, normalizeEvent, SharedLogHistory, type EntityEvent, type EntityHistory } from "@wick/ingestion";
import { openTestClickHouse } from "./support/harness.ts";

const at = (second: number) => new Date(Date.UTC(2025, 2, 1, 8, 0, second)).toISOString();
const attribution = { publicKey: "pk-lf-test", sdkName: "test", sdkVersion: "1" };

function entityEvent(projectId: string, raw: unknown): EntityEvent {
  const normalized = normalizeEvent(IngestionEvent.parse(raw))!;
  return { projectId, attribution, ...normalized };
}

describe("entity history of the write rounds", () => {
  let store: ClickHouseStore;
  beforeAll(async () => {
    store = await openTestClickHouse();
  });
  afterAll(async () => store?.close());

  const key = (projectId: string, entityId: string) => ({ projectId, kind: "observation" as const, entityId });

  it("reads every entity until the set of logged entities is loaded, then only those with logged events", async () => {
    const projectId = `project-${randomUUID()}`;
    const [logged, fresh] = [randomUUID(), randomUUID()];
    await new ExclusiveLogHistory(store.client).appendRound([key(projectId, logged)], () =>
      new EntityMerger(store.client, new SharedLogHistory(), new RowDeletes(store.client)).appendAndMerge([
        entityEvent(projectId, { id: randomUUID(), type: "span-create", timestamp: at(0), body: { id: logged, traceId: randomUUID(), startTime: at(0) } }),
      ]),
    );

    // A process starting on this data directory: its history knows nothing until loaded.
    const restarted = new ExclusiveLogHistory(store.client);
    const before = await restarted.appendRound([key(projectId, logged), key(projectId, fresh)], async () => undefined);
    expect(before.withHistory.map((k) => k.entityId)).toEqual([logged, fresh]);
    await before.appended;
    await restarted.load();
    expect(restarted.ready).toBe(true);
    const another = randomUUID();
    const after = await restarted.appendRound([key(projectId, logged), key(projectId, another)], async () => undefined);
    expect(after.withHistory.map((k) => k.entityId)).toEqual([logged]);
    // A key an earlier round appended counts as logged from then on.
    // It is known once that round's append settles, which the next round waits for.
    const again = await restarted.appendRound([key(projectId, another)], async () => undefined);
    expect(again.withHistory.map((k) => k.entityId)).toEqual([another]);
  });

  it("keeps a key that a failed append may have logged", async () => {
    const history = new ExclusiveLogHistory(store.client);
    await history.load();
    const entity = key("p", randomUUID());
    const failed = await history.appendRound([entity], async () => Promise.reject(new Error("disk full")));
    await expect(failed.appended).rejects.toThrow("disk full");
    expect((await history.appendRound([entity], async () => undefined)).withHistory).toEqual([entity]);
  });

  it("loads every logged entity when a partition takes many pages, wherever an entity's events fall across them", async () => {
    // Entities of two projects and two kinds with one to three events each, so that pages of a
    // row or a few end inside an entity's events, and between projects and kinds.
    const batch: EntityEvent[] = [];
    for (const projectId of [`project-${randomUUID()}`, `project-${randomUUID()}`]) {
      for (let n = 0; n < 10; n += 1) {
        const traceId = randomUUID();
        for (let event = 0; event <= n % 3; event += 1) {
          batch.push(entityEvent(projectId, { id: randomUUID(), type: "trace-create", timestamp: at(event), body: { id: traceId, name: `v${event}` } }));
          batch.push(entityEvent(projectId, { id: randomUUID(), type: "span-create", timestamp: at(event), body: { id: `span-${traceId}`, traceId, startTime: at(1) } }));
        }
      }
    }
    await new EntityMerger(store.client, new SharedLogHistory(), new RowDeletes(store.client)).appendAndMerge(batch);
    const keys = [...new Map(batch.map((e) => [`${e.projectId}/${e.kind}/${e.entityId}`, { projectId: e.projectId, kind: e.kind, entityId: e.entityId }])).values()];
    expect(keys).toHaveLength(40);

    for (const rowsPerPage of [1, 2, 3, 7, 1_000_000]) {
      const history = new ExclusiveLogHistory(store.client, rowsPerPage);
      await history.load();
      const { withHistory } = await history.appendRound(keys, async () => undefined);
      expect(withHistory, `pages of ${rowsPerPage} rows`).toEqual(keys);
    }
  });

  const histories: Array<[string, () => Promise<EntityHistory>]> = [
    [
      "embedded (loaded set of logged entities)",
      async () => {
        const history = new ExclusiveLogHistory(store.client);
        await history.load();
        return history;
      },
    ],
    ["shared server (every entity read)", async () => new SharedLogHistory()],
  ];

  it.each(histories)("merges an update logged before a restart with its later create: %s", async (_name, makeHistory) => {
    const projectId = `project-${randomUUID()}`;
    const id = randomUUID();
    const traceId = randomUUID();
    const before = new EntityMerger(store.client, await makeHistory(), new RowDeletes(store.client));
    await before.appendAndMerge([
      entityEvent(projectId, { id: randomUUID(), type: "generation-update", timestamp: at(5), body: { id, traceId, endTime: at(9), output: "done", level: "WARNING" } }),
    ]);
    // One round with an entity that has history and one that has none, folded while the log write runs.
    const fresh = randomUUID();
    const after = new EntityMerger(store.client, await makeHistory(), new RowDeletes(store.client));
    await after.appendAndMerge([
      entityEvent(projectId, { id: randomUUID(), type: "generation-create", timestamp: at(4), body: { id, traceId, name: "llm", startTime: at(4), input: "go" } }),
      entityEvent(projectId, { id: randomUUID(), type: "span-create", timestamp: at(6), body: { id: fresh, traceId, name: "new", startTime: at(6) } }),
    ]);

    const result = await store.client.query({
      query: `SELECT id, name, level, input, output, start_time, end_time, merge_version FROM observations FINAL
              WHERE project_id = {projectId:String} ORDER BY start_time`,
      query_params: { projectId },
      format: "JSONEachRow",
    });
    expect(await result.json()).toEqual([
      { id, name: "llm", level: "WARNING", input: "go", output: "done", start_time: "2025-03-01 08:00:04.000", end_time: "2025-03-01 08:00:09.000", merge_version: 2 },
      { id: fresh, name: "new", level: "DEFAULT", input: null, output: null, start_time: "2025-03-01 08:00:06.000", end_time: null, merge_version: 1 },
    ]);
  });

  it("writes no merged row when the round's log write fails, though its new entities were folded meanwhile", async () => {
    const projectId = `project-${randomUUID()}`;
    const failingLog: EntityHistory = {
      appendRound: async (_keys, append) => ({
        withHistory: [],
        appended: append().then(() => Promise.reject(new Error("disk full"))),
      }),
    };
    const merger = new EntityMerger(store.client, failingLog, new RowDeletes(store.client));
    await expect(
      merger.appendAndMerge([
        entityEvent(projectId, { id: randomUUID(), type: "span-create", timestamp: at(1), body: { id: randomUUID(), traceId: randomUUID(), startTime: at(1) } }),
      ]),
    ).rejects.toThrow("disk full");
    const result = await store.client.query({
      query: "SELECT count() AS n FROM observations WHERE project_id = {projectId:String}",
      query_params: { projectId },
      format: "JSONEachRow",
    });
    expect((await result.json<{ n: number | string }>()).map(({ n }) => Number(n))).toEqual([0]);
  });
});
