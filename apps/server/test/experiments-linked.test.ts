import { randomUUID } from "node:crypto";
import { datasetRunItems, experimentLinkEvents, selectRows } from "@wick/clickhouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExperimentLinks } from "../src/domain/experiment-links.ts";
import { exportExperimentSpans, hexId, itemSpans } from "./support/experiment-spans.ts";
import { createTestApp, postgresModes, type TestApp } from "./support/harness.ts";
import { okCall } from "./support/reference-calls.ts";

const T0 = Date.UTC(2025, 7, 1, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const s = (seconds: number) => T0 + seconds * 1000;

const LIST_EXPERIMENTS = { method: "GET", path: "/api/public/experiments" };
const LIST_ITEMS = { method: "GET", path: "/api/public/experiment-items" };
const CREATE_RUN_ITEM = { method: "POST", path: "/api/public/dataset-run-items" };

type Body = Record<string, unknown>;

/**
 * Runs linked to dataset items through `POST /dataset-run-items` (older SDKs' `item.link`,
 * scripts) are experiments too: the reference's backfill (prompts-datasets.md §3.1), which Wick
 * reads through instead of copying.
 */
describe.each(postgresModes())("experiments from run items linked through the API (%s Postgres)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode);
  });
  afterAll(async () => t?.close());

  const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
  const ingest = async (batch: Body[]) => {
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: t.project.basic }, payload: { batch } });
    expect(response.json().errors).toEqual([]);
  };
  const event = (type: string, body: Body) => ({ id: randomUUID(), type, timestamp: new Date().toISOString(), body });
  const link = (body: Body) => okCall(t, CREATE_RUN_ITEM, "/dataset-run-items", { body });
  const experiments = (query: string) => okCall(t, LIST_EXPERIMENTS, `/experiments?${query}`);
  const items = (query: string) => okCall(t, LIST_ITEMS, `/experiment-items?${query}`);

  /** A dataset of two items, each with expected output and metadata. */
  const dataset = async () => {
    const name = fresh("linked");
    const created = await okCall(t, { method: "POST", path: "/api/public/v2/datasets" }, "/v2/datasets", { body: { name } });
    const item = (question: string, answer: string) =>
      okCall(t, { method: "POST", path: "/api/public/dataset-items" }, "/dataset-items", {
        body: { datasetName: name, input: { question }, expectedOutput: { answer }, metadata: { topic: "math" } },
      });
    return { name, id: created.id as string, first: await item("2+2?", "4"), second: await item("3+3?", "6") };
  };

  it("shows a run of trace and observation links as an experiment whose items are the linked trace and observation", async () => {
    const data = await dataset();
    const runName = fresh("nightly");
    const [traceA, traceB] = [randomUUID(), randomUUID()];
    const [generation, parent, linked, child, grandchild] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];

    // Links first, as the v3 SDK sends them: its trace events are still queued when it links.
    const byTrace = await link({ runName, runDescription: "every night", metadata: { model: "gpt-4o" }, datasetItemId: data.first.id, traceId: traceA });
    const byObservation = await link({ runName, datasetItemId: data.second.id, traceId: traceB, observationId: linked });
    expect(byObservation.datasetRunId).toBe(byTrace.datasetRunId);
    const runId = byTrace.datasetRunId as string;
    const window = `fromStartTime=${iso(s(-3600))}&toStartTime=${iso(s(3600))}`;
    expect((await experiments(window)).data).toEqual([]);

    await ingest([
      event("trace-create", { id: traceA, name: "answer", timestamp: iso(s(0)), input: { question: "2+2?" }, output: "4", metadata: { caller: "cron" } }),
      event("generation-create", { id: generation, traceId: traceA, name: "llm", startTime: iso(s(1)), endTime: iso(s(4)) }),
      event("trace-create", { id: traceB, name: "answer", timestamp: iso(s(10)) }),
      event("span-create", { id: parent, traceId: traceB, name: "outer", startTime: iso(s(10)), endTime: iso(s(30)) }),
      event("span-create", { id: linked, traceId: traceB, parentObservationId: parent, name: "task", startTime: iso(s(11)), endTime: iso(s(20)), input: "3+3?" }),
      event("span-create", { id: child, traceId: traceB, parentObservationId: linked, name: "step", startTime: iso(s(12)), endTime: iso(s(19)) }),
      event("span-create", { id: grandchild, traceId: traceB, parentObservationId: child, name: "tool", startTime: iso(s(13)), endTime: iso(s(25)) }),
    ]);

    const listed = await experiments(`${window}&fields=core,metadata`);
    expect(listed.data).toEqual([
      {
        id: runId,
        name: runName,
        description: "every night",
        // The trace's start; the end of the latest descendant of the linked observation (the
        // grandchild), not of its parent, which is no event of the item.
        startTime: iso(s(0)),
        endTime: iso(s(25)),
        itemCount: 2,
        datasetId: data.id,
        metadata: { model: "gpt-4o" },
      },
    ]);

    const page = await items(`${window}&fields=core,dataset,io,itemMetadata,experimentMetadata`);
    expect(page.data).toEqual([
      {
        id: linked,
        traceId: traceB,
        startTime: iso(s(11)),
        endTime: iso(s(20)),
        level: "DEFAULT",
        environment: "default",
        experimentId: runId,
        experimentName: runName,
        experimentItemId: data.second.id,
        experimentDatasetId: data.id,
        experimentItemVersion: expect.any(String),
        // Inputs and outputs as stored: a string as it was sent, any other value as its JSON text.
        input: "3+3?",
        output: null,
        expectedOutput: JSON.stringify({ answer: "6" }),
        experimentItemMetadata: { topic: "math" },
        experimentMetadata: { model: "gpt-4o" },
        experimentDescription: "every night",
      },
      {
        id: `t-${traceA}`,
        traceId: traceA,
        startTime: iso(s(0)),
        endTime: null,
        level: "DEFAULT",
        environment: "default",
        experimentId: runId,
        experimentName: runName,
        experimentItemId: data.first.id,
        experimentDatasetId: data.id,
        experimentItemVersion: expect.any(String),
        input: JSON.stringify({ question: "2+2?" }),
        output: "4",
        expectedOutput: JSON.stringify({ answer: "4" }),
        experimentItemMetadata: { topic: "math" },
        experimentMetadata: { model: "gpt-4o" },
        experimentDescription: "every night",
      },
    ]);
    expect(Date.parse(page.data[0].experimentItemVersion)).toBeLessThanOrEqual(Date.now());

    // A window that starts after both roots still holds the descendants' events: the experiment
    // is there, its items (whose roots start before the window) are not.
    const late = `fromStartTime=${iso(s(12))}&toStartTime=${iso(s(3600))}`;
    expect((await experiments(late)).data).toMatchObject([{ id: runId, startTime: iso(s(12)), itemCount: 0 }]);
    expect((await items(late)).data).toEqual([]);

    // Filters name the run's id, name and dataset as they do for OTLP experiments.
    expect((await experiments(`${window}&name=${encodeURIComponent(runName)}`)).data.map((e: Body) => e.id)).toEqual([runId]);
    expect((await experiments(`${window}&datasetId=other`)).data).toEqual([]);
    expect((await items(`${window}&experimentItemId=${data.first.id}`)).data.map((i: Body) => i.id)).toEqual([`t-${traceA}`]);

    // Deleting the trace takes its item away; deleting the run, the experiment.
    const deleted = await t.app.inject({ method: "DELETE", url: `/api/public/traces/${traceA}`, headers: { authorization: t.project.basic } });
    expect(deleted.statusCode).toBe(200);
    expect((await items(window)).data.map((i: Body) => i.id)).toEqual([linked]);
    const runDeleted = await t.app.inject({
      method: "DELETE",
      url: `/api/public/datasets/${encodeURIComponent(data.name)}/runs/${encodeURIComponent(runName)}`,
      headers: { authorization: t.project.basic },
    });
    expect(runDeleted.statusCode).toBe(200);
    expect((await experiments(window)).data).toEqual([]);
  });

  it("takes each trace once, by its earliest link, and never a trace whose spans carry experiment attributes of their own", async () => {
    const data = await dataset();
    const [first, second] = [fresh("first"), fresh("second")];
    const traceId = randomUUID();
    await ingest([event("trace-create", { id: traceId, name: "shared", timestamp: iso(s(10_100)) })]);
    await link({ runName: first, datasetItemId: data.first.id, traceId });
    await link({ runName: second, datasetItemId: data.second.id, traceId });

    // A trace the SDK experiment runner traced over OTLP, and also linked through the API.
    const spans = itemSpans({ id: "otel-experiment", name: "runner" }, "otel-item", s(10_200), 1);
    await exportExperimentSpans(t, spans, t.project);
    const otelTraceId = spans[0]!.traceId;
    await link({ runName: second, datasetItemId: data.second.id, traceId: otelTraceId });

    const window = `fromStartTime=${iso(s(10_000))}&toStartTime=${iso(s(11_000))}`;
    const listed = await experiments(window);
    const byName = Object.fromEntries(listed.data.map((e: Body) => [e.name, e]));
    expect(Object.keys(byName).sort()).toEqual([first, "runner"].sort());
    expect(byName.runner).toMatchObject({ id: "otel-experiment", itemCount: 1 });
    expect(byName[first]).toMatchObject({ itemCount: 1, startTime: iso(s(10_100)) });
  });

  it("answers over a parent cycle, and leaves out links whose trace never arrived", async () => {
    const data = await dataset();
    const runName = fresh("cyclic");
    const traceId = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    await ingest([
      event("trace-create", { id: traceId, timestamp: iso(s(20_500)) }),
      event("span-create", { id: a, traceId, parentObservationId: b, startTime: iso(s(20_501)), endTime: iso(s(20_502)) }),
      event("span-create", { id: b, traceId, parentObservationId: a, startTime: iso(s(20_503)), endTime: iso(s(20_504)) }),
    ]);
    await link({ runName, datasetItemId: data.first.id, traceId, observationId: a });
    await link({ runName, datasetItemId: data.second.id, traceId: `missing-${hexId(8)}` });
    const window = `fromStartTime=${iso(s(20_400))}&toStartTime=${iso(s(20_600))}`;
    expect((await experiments(`${window}&name=${encodeURIComponent(runName)}`)).data).toMatchObject([
      { name: runName, startTime: iso(s(20_501)), endTime: iso(s(20_504)), itemCount: 1 },
    ]);
    expect((await items(`${window}&experimentName=${encodeURIComponent(runName)}`)).data.map((i: Body) => i.id)).toEqual([a]);
  });

  it("derives the events of run items written without them again at start-up (an upgrade, or a crash between the two writes)", async () => {
    const data = await dataset();
    const runName = fresh("upgraded");
    const traceId = randomUUID();
    await ingest([event("trace-create", { id: traceId, name: "old", timestamp: iso(s(30_000)) })]);
    const made = await link({ runName, datasetItemId: data.first.id, traceId });
    const client = t.stores.clickhouse.client;
    const [row] = await selectRows<Record<string, unknown>>(client, {
      name: "test.run-item",
      sql: `SELECT * EXCEPT inserted_at FROM ${datasetRunItems.name} WHERE project_id = {projectId:String} AND id = {id:String}`,
      params: { projectId: t.project.id, id: made.id },
    });
    // A second run item of another item on another trace, written as an older Wick did: without derived rows.
    const unlinkedTrace = randomUUID();
    await ingest([event("trace-create", { id: unlinkedTrace, name: "old", timestamp: iso(s(30_010)) })]);
    await datasetRunItems.insert(client, [{ ...row, id: randomUUID(), trace_id: unlinkedTrace, dataset_item_id: data.second.id } as never]);
    const window = `fromStartTime=${iso(s(29_000))}&toStartTime=${iso(s(31_000))}&experimentName=${encodeURIComponent(runName)}`;
    expect((await items(window)).data.map((i: Body) => i.id)).toEqual([`t-${traceId}`]);

    await new ExperimentLinks(t.stores.clickhouse, t.services.rowDeletes).rebuild(t.services.ingestion);
    expect((await items(window)).data.map((i: Body) => i.id)).toEqual([`t-${unlinkedTrace}`, `t-${traceId}`]);
    // Deriving again replaces a trace's rows rather than adding to them.
    const derived = await selectRows<{ rows: string }>(client, {
      name: "test.derived-rows",
      sql: `SELECT count() AS rows FROM ${experimentLinkEvents.name} WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}`,
      params: { projectId: t.project.id, traceIds: [traceId, unlinkedTrace] },
    });
    expect(Number(derived[0]!.rows)).toBe(2);
  });
});
