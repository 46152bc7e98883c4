import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IngestionEvent } from "@wick/contracts";
import { OBSERVATION_TRACE_KIND, RowDeletes, type ClickHouseStore } from "@wick/clickhouse";
import { EntityMerger, exclusiveLogHistory, GroupCommitWriter, normalizeEvent, type EntityEvent, type FoldedObservation } from "@wick/ingestion";
import { openTestClickHouse } from "./support/harness.ts";

const at = (second: number) => new Date(Date.UTC(2025, 3, 1, 8, 0, second)).toISOString();
const attribution = { publicKey: "pk-lf-test", sdkName: "test", sdkVersion: "1" };

function entityEvent(projectId: string, raw: unknown): EntityEvent {
  return { projectId, attribution, ...normalizeEvent(IngestionEvent.parse(raw))! };
}

/**
 * Fails a round that folds an observation named `explode`: a stand-in for any failure after the
 * event log was written, the case that could leave a refused event behind.
 */
const failingOnName = {
  async enrich(observations: FoldedObservation[]): Promise<void> {
    if (observations.some(({ row }) => row.name === "explode")) throw new Error("the round failed after logging");
  },
};

describe("a write round that fails after logging its events", () => {
  let store: ClickHouseStore;
  beforeAll(async () => {
    store = await openTestClickHouse();
  });
  afterAll(async () => store?.close());

  /** The events logged; the entries filing observations under traces may stay, as they only ever widen a read. */
  const loggedEvents = async (projectId: string) => {
    const result = await store.client.query({
      query: "SELECT event_id FROM raw_events WHERE project_id = {projectId:String} AND entity_kind != {entries:String} ORDER BY event_id",
      query_params: { projectId, entries: OBSERVATION_TRACE_KIND },
      format: "JSONEachRow",
    });
    return (await result.json<{ event_id: string }>()).map((row) => row.event_id);
  };

  it("leaves nothing of its events behind, and fails only the request that caused it", async () => {
    const projectId = `project-${randomUUID()}`;
    const history = await exclusiveLogHistory(store.client);
    const writer = new GroupCommitWriter((events) => new EntityMerger(store.client, history, new RowDeletes(store.client), [failingOnName]).appendAndMerge(events));
    const observationId = randomUUID();
    const traceId = randomUUID();
    const span = (eventId: string, second: number, body: object) =>
      entityEvent(projectId, { id: eventId, type: "span-create", timestamp: at(second), body: { id: observationId, traceId, startTime: at(0), ...body } });

    const first = writer.write([entityEvent(projectId, { id: "e-trace", type: "trace-create", timestamp: at(0), body: { id: traceId } })]);
    const [poisoned, neighbour] = await Promise.allSettled([
      writer.write([span("e-bad", 1, { name: "explode", metadata: { leaked: true } })]),
      writer.write([entityEvent(projectId, { id: "e-other", type: "trace-create", timestamp: at(1), body: { id: randomUUID() } })]),
      first,
    ]);
    expect(poisoned.status).toBe("rejected");
    expect(neighbour.status).toBe("fulfilled");
    expect(await loggedEvents(projectId)).toEqual(["e-other", "e-trace"]);

    // A later valid event for the same observation folds without the refused one.
    await writer.write([span("e-good", 2, { name: "fine" })]);
    const result = await store.client.query({
      query: "SELECT name, metadata FROM observations FINAL WHERE project_id = {projectId:String} AND id = {id:String}",
      query_params: { projectId, id: observationId },
      format: "JSONEachRow",
    });
    expect(await result.json()).toEqual([{ name: "fine", metadata: {} }]);
    await writer.close();
  });
});
