import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IngestionEvent } from "@wick/contracts";
import type { ClickHouseStore } from "@wick/clickhouse";
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
      new EntityMerger(store.client, new SharedLogHistory()).appendAndMerge([
        entityEvent(projectId, { id: randomUUID(), type: "span-create", timestamp: at(0), body: { id: logged, traceId: randomUUID(), startTime: at(0) } }),
      ]),
    );

    // A process starting on this data directory: its history knows nothing until loaded.
    const restarted = new ExclusiveLogHistory(store.client);
    const before = await restarted.appendRound([key(projectId, logged), key(projectId, fresh)], async () => undefined);
    expect(before.map((k) => k.entityId)).toEqual([logged, fresh]);
    await restarted.load();
    expect(restarted.ready).toBe(true);
    const another = randomUUID();
    const after = await restarted.appendRound([key(projectId, logged), key(projectId, another)], async () => undefined);
    expect(after.map((k) => k.entityId)).toEqual([logged]);
    // A key an earlier round appended counts as logged from then on.
    const again = await restarted.appendRound([key(projectId, another)], async () => undefined);
    expect(again.map((k) => k.entityId)).toEqual([another]);
  });

  it("keeps a key that a failed append may have logged", async () => {
    const history = new ExclusiveLogHistory(store.client);
    await history.load();
    const entity = key("p", randomUUID());
    await expect(history.appendRound([entity], async () => Promise.reject(new Error("disk full")))).rejects.toThrow("disk full");
    expect(await history.appendRound([entity], async () => undefined)).toEqual([entity]);
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
    const before = new EntityMerger(store.client, await makeHistory());
    await before.appendAndMerge([
      entityEvent(projectId, { id: randomUUID(), type: "generation-update", timestamp: at(5), body: { id, traceId, endTime: at(9), output: "done", level: "WARNING" } }),
    ]);
    const after = new EntityMerger(store.client, await makeHistory());
    await after.appendAndMerge([
      entityEvent(projectId, { id: randomUUID(), type: "generation-create", timestamp: at(4), body: { id, traceId, name: "llm", startTime: at(4), input: "go" } }),
    ]);

    const result = await store.client.query({
      query: "SELECT name, level, input, output, start_time, end_time, merge_version FROM observations FINAL WHERE project_id = {projectId:String} AND id = {id:String}",
      query_params: { projectId, id },
      format: "JSONEachRow",
    });
    expect(await result.json()).toEqual([
      { name: "llm", level: "WARNING", input: "go", output: "done", start_time: "2025-03-01 08:00:04.000", end_time: "2025-03-01 08:00:09.000", merge_version: 2 },
    ]);
  });
});
