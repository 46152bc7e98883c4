import { createHash, randomBytes, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MediaStoreConfig } from "../src/config.ts";
import { startLocalS3 } from "../../../packages/object-store/test/support/s3-server.ts";
import { callPublic, createTestApp, postgresModes, testMediaConfig, type TestApp, type TestProject } from "./support/harness.ts";
import { ISO_DATE } from "./support/expectations.ts";
import { okCall, type ReferenceCallOptions, type ReferenceOperation } from "./support/reference-calls.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const CREATE_DATASET = { method: "POST", path: "/api/public/v2/datasets" };
const CREATE_ITEM = { method: "POST", path: "/api/public/dataset-items" };
const LIST_ITEMS = { method: "GET", path: "/api/public/dataset-items" };
const GET_ITEM = { method: "GET", path: "/api/public/dataset-items/{id}" };
const DELETE_ITEM = { method: "DELETE", path: "/api/public/dataset-items/{id}" };
const GET_DATASET = { method: "GET", path: "/api/public/v2/datasets/{datasetName}" };
const GET_MEDIA = { method: "GET", path: "/api/public/media/{mediaId}" };
const DELETE_TRACE = { method: "DELETE", path: "/api/public/traces/{traceId}" };
const DELETE_TRACES = { method: "DELETE", path: "/api/public/traces" };

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("base64");
const uid = () => randomUUID().slice(0, 8);
const reference = (mediaId: string) => `@@@langfuseMedia:type=image/png|id=${mediaId}|source=bytes@@@`;
const uploaded = () => ({ uploadedAt: new Date().toISOString(), uploadHttpStatus: 200, uploadHttpError: null, uploadTimeMs: 3 });

/** Where a media announcement links the file: a trace (and perhaps an observation) or a dataset item. */
type Context = { traceId: string; observationId?: string; field?: string } | { datasetId: string; datasetItemId: string; field: string };

interface Reference {
  field: string;
  jsonPath: string;
  referenceString: string;
  media: { mediaId: string; contentType: string; contentLength: number; url: string; urlExpiry: string };
}
interface Item {
  id: string;
  input: unknown;
  mediaReferences: Reference[];
}

const FIELDS = ["input", "expectedOutput", "metadata"];
/** How responses order an item's references: by field, then path, then reference string. */
const responseOrder = (a: { field: string; jsonPath: string; referenceString: string }, b: typeof a) =>
  FIELDS.indexOf(a.field) - FIELDS.indexOf(b.field) || a.jsonPath.localeCompare(b.jsonPath, "en") || (a.referenceString < b.referenceString ? -1 : 1);

const stores: Array<[string, () => Promise<{ store: MediaStoreConfig; close(): Promise<void> }>]> = [
  ["local disk", async () => ({ store: testMediaConfig().store, close: async () => undefined })],
  [
    "S3 (a local S3 server)",
    async () => {
      const server = await startLocalS3();
      return { store: { kind: "s3", ...server.config, prefix: "wick/" }, close: () => server.close() };
    },
  ],
];
const cases = postgresModes().flatMap((mode) => stores.map(([name, open]) => [mode, name, open] as const));

describe.each(cases)("media links (%s Postgres, %s store)", (mode, _store, openStore) => {
  let t: TestApp;
  let closeStore: () => Promise<void>;
  let s3: boolean;
  beforeAll(async () => {
    const opened = await openStore();
    closeStore = opened.close;
    s3 = opened.store.kind === "s3";
    t = await createTestApp(mode, { media: { store: opened.store } });
  });
  afterAll(async () => {
    await t?.close();
    await closeStore?.();
  });

  const ok = (operation: ReferenceOperation, url: string, options: ReferenceCallOptions = {}) => okCall(t, operation, url, options);
  const createItem = (body: Record<string, unknown>, project?: TestProject): Promise<Item> => ok(CREATE_ITEM, "/dataset-items", { body, project });
  const getItem = (id: string): Promise<Item> => ok(GET_ITEM, `/dataset-items/${encodeURIComponent(id)}`);
  const listItems = (query: Record<string, string | number>): Promise<{ data: Item[] }> =>
    ok(LIST_ITEMS, `/dataset-items?${new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]))}`);
  const newDataset = async (project?: TestProject) => (await ok(CREATE_DATASET, "/v2/datasets", { body: { name: `media-${uid()}` }, project })) as { id: string; name: string };
  const instant = async () => {
    await sleep(3);
    const at = new Date().toISOString();
    await sleep(3);
    return at;
  };

  /** A request to a signed URL: S3's go to the S3 server, the local store's to Wick itself. */
  const send = async (url: string, method: "GET" | "PUT", bytes?: Buffer): Promise<{ status: number; bytes: Buffer }> => {
    const headers = bytes ? { "content-type": "image/png", "content-length": String(bytes.length), "x-amz-checksum-sha256": sha256(bytes) } : undefined;
    if (s3) {
      const response = await fetch(url, { method, headers, body: bytes });
      return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
    }
    const { pathname, search } = new URL(url);
    const response = await t.app.inject({ method, url: pathname + search, headers, payload: bytes });
    return { status: response.statusCode, bytes: response.rawPayload };
  };

  /** POST /media for the bytes in a context; the upload is left to the caller. */
  const announce = async (bytes: Buffer, context: Context, project?: TestProject): Promise<{ mediaId: string; uploadUrl: string | null }> => {
    const body = { field: "input", ...context, contentType: "image/png", contentLength: bytes.length, sha256Hash: sha256(bytes) };
    const response = await callPublic(t, "POST", "/media", { body, project });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };
  /** Uploads the bytes to the URL and reports the upload, as the SDKs do. */
  const complete = async (mediaId: string, uploadUrl: string, bytes: Buffer, project?: TestProject) => {
    expect((await send(uploadUrl, "PUT", bytes)).status).toBe(200);
    expect((await callPublic(t, "PATCH", `/media/${mediaId}`, { body: uploaded(), project })).statusCode).toBe(200);
  };
  /** The whole SDK flow for fresh bytes; returns them and their media id. */
  const stored = async (context: Context, project?: TestProject) => {
    const bytes = randomBytes(2_000);
    const { mediaId, uploadUrl } = await announce(bytes, context, project);
    await complete(mediaId, uploadUrl!, bytes, project);
    return { bytes, mediaId };
  };

  const sql = (query: string, params: unknown[]) => t.stores.postgres.execute(query, params);
  const mediaRow = async (mediaId: string, project = t.project) => (await sql("select id from media where project_id = $1 and id = $2", [project.id, mediaId])).length;
  const objectStored = async (mediaId: string, project = t.project) => {
    const object = await t.services.objectStore.get(`${t.services.objectStore.keyPrefix}${project.id}/${mediaId}.png`);
    object?.body.destroy();
    return object !== undefined;
  };
  const traceLinks = async (mediaId: string) =>
    (
      await sql(
        "select trace_id from trace_media where project_id = $1 and media_id = $2 union all select trace_id from observation_media where project_id = $1 and media_id = $2",
        [t.project.id, mediaId],
      )
    ).map((row) => row.trace_id);
  const deleteTrace = async (traceId: string, project?: TestProject) => {
    expect(await ok(DELETE_TRACE, `/traces/${encodeURIComponent(traceId)}`, { project })).toEqual({ message: "Trace deleted successfully" });
  };

  /** What a reference says, without its URL and expiry (which differ between reads). */
  const shape = (references: Reference[]) => references.map(({ field, jsonPath, referenceString, media }) => ({ field, jsonPath, referenceString, mediaId: media.mediaId }));
  /** Every reference's URL serves the bytes of its media, and states an expiry an hour ahead. */
  const expectServed = async (references: Reference[], bytesOf: Map<string, Buffer>) => {
    for (const { media } of references) {
      expect(media).toEqual({ mediaId: media.mediaId, contentType: "image/png", contentLength: bytesOf.get(media.mediaId)!.length, url: expect.any(String), urlExpiry: ISO_DATE });
      expect(Math.abs(Date.parse(media.urlExpiry) - Date.now() - 3_600_000)).toBeLessThan(60_000);
      const file = await send(media.url, "GET");
      expect(file.status).toBe(200);
      expect(file.bytes).toEqual(bytesOf.get(media.mediaId));
    }
  };

  describe("dataset item media references", () => {
    it("records every reference of a new item, in strings at any depth, and returns them with URLs serving the exact bytes", async () => {
      const dataset = await newDataset();
      const id = `item-${uid()}`;
      const photo = await stored({ datasetId: dataset.id, datasetItemId: id, field: "input" });
      const scan = await stored({ traceId: `trace-${uid()}` });
      const item = await createItem({
        datasetName: dataset.name,
        id,
        input: { image: reference(photo.mediaId), pages: [{ text: `before ${reference(scan.mediaId)} between ${reference(photo.mediaId)} after` }] },
        expectedOutput: reference(scan.mediaId),
        metadata: { "it's": [reference(photo.mediaId)], plain: "no media" },
      });
      const expected = [
        { field: "input", jsonPath: "$['image']", referenceString: reference(photo.mediaId), mediaId: photo.mediaId },
        { field: "input", jsonPath: "$['pages'][0]['text']", referenceString: reference(photo.mediaId), mediaId: photo.mediaId },
        { field: "input", jsonPath: "$['pages'][0]['text']", referenceString: reference(scan.mediaId), mediaId: scan.mediaId },
        { field: "expectedOutput", jsonPath: "$", referenceString: reference(scan.mediaId), mediaId: scan.mediaId },
        { field: "metadata", jsonPath: "$['it\\'s'][0]", referenceString: reference(photo.mediaId), mediaId: photo.mediaId },
      ].sort(responseOrder);
      expect(shape(item.mediaReferences)).toEqual(expected);
      const bytesOf = new Map([
        [photo.mediaId, photo.bytes],
        [scan.mediaId, scan.bytes],
      ]);
      await expectServed(item.mediaReferences, bytesOf);
      const read = await getItem(id);
      expect(shape(read.mediaReferences)).toEqual(expected);
      await expectServed(read.mediaReferences, bytesOf);

      // The pending link the upload declared became the version's rows.
      const rows = await sql("select field, json_path, dataset_item_valid_from is null as pending from dataset_item_media where project_id = $1 and dataset_item_id = $2", [
        t.project.id,
        id,
      ]);
      expect(rows).toHaveLength(5);
      expect(rows.every((row) => row.pending === false)).toBe(true);
    });

    it("records each upsert's version, and version reads return the references of the version they show", async () => {
      const dataset = await newDataset();
      const id = `item-${uid()}`;
      const first = await stored({ datasetId: dataset.id, datasetItemId: id, field: "input" });
      const second = await stored({ datasetId: dataset.id, datasetItemId: id, field: "metadata" });
      await createItem({ datasetName: dataset.name, id, input: { image: reference(first.mediaId) } });
      const v1 = await instant();
      // The input is kept, so this version references both.
      const updated = await createItem({ datasetName: dataset.name, id, metadata: { extra: reference(second.mediaId) } });
      expect(shape(updated.mediaReferences).map((entry) => entry.mediaId)).toEqual([first.mediaId, second.mediaId]);
      const v2 = await instant();
      const last = await createItem({ datasetName: dataset.name, id, input: "no media any more" });
      expect(shape(last.mediaReferences)).toEqual([{ field: "metadata", jsonPath: "$['extra']", referenceString: reference(second.mediaId), mediaId: second.mediaId }]);

      const at = async (version?: string) => {
        const { data } = await listItems({ datasetName: dataset.name, ...(version ? { version } : {}) });
        expect(data).toHaveLength(1);
        return shape(data[0]!.mediaReferences).map((entry) => [entry.field, entry.mediaId]);
      };
      expect(await at(v1)).toEqual([["input", first.mediaId]]);
      expect(await at(v2)).toEqual([
        ["input", first.mediaId],
        ["metadata", second.mediaId],
      ]);
      expect(await at()).toEqual([["metadata", second.mediaId]]);
      const { data } = await listItems({ datasetName: dataset.name, version: v1 });
      await expectServed(data[0]!.mediaReferences, new Map([[first.mediaId, first.bytes]]));

      // Deleting the item keeps the media of its earlier versions.
      expect(await ok(DELETE_ITEM, `/dataset-items/${id}`)).toEqual({ message: "Dataset item successfully deleted" });
      expect(await at(v2)).toEqual([
        ["input", first.mediaId],
        ["metadata", second.mediaId],
      ]);
      expect(await mediaRow(first.mediaId)).toBe(1);
    });

    it("returns each item of a page, and of the legacy dataset read, with its own media", async () => {
      const dataset = await newDataset();
      const written: Array<{ id: string; bytes: Buffer; mediaId: string }> = [];
      for (let index = 0; index < 5; index += 1) {
        const file = await stored({ traceId: `trace-${uid()}` });
        const item = await createItem({ datasetName: dataset.name, input: { index, image: reference(file.mediaId) } });
        written.push({ id: item.id, ...file });
      }
      await createItem({ datasetName: dataset.name, input: { index: 5 } });
      const bytesOf = new Map(written.map((file) => [file.mediaId, file.bytes]));
      const check = async (items: Item[]) => {
        for (const item of items) {
          const file = written.find((entry) => entry.id === item.id);
          expect(shape(item.mediaReferences).map((entry) => entry.mediaId)).toEqual(file ? [file.mediaId] : []);
          await expectServed(item.mediaReferences, bytesOf);
        }
      };
      const page = await listItems({ datasetName: dataset.name, limit: 4, page: 1 });
      expect(page.data).toHaveLength(4);
      await check(page.data);
      await check((await listItems({ datasetName: dataset.name, limit: 4, page: 2 })).data);

      const legacy = await callPublic(t, "GET", `/datasets/${encodeURIComponent(dataset.name)}`);
      expect(legacy.statusCode).toBe(200);
      const body = legacy.json();
      expectReferenceResponse(GET_DATASET, 200, body);
      for (const item of body.items) expectReferenceResponse(GET_ITEM, 200, item);
      expect(body.items).toHaveLength(6);
      await check(body.items);
    });

    it("lists media once its upload is reported, and never media of a failed upload", async () => {
      const dataset = await newDataset();
      const pendingBytes = randomBytes(500);
      const pending = await announce(pendingBytes, { traceId: `trace-${uid()}` });
      const failed = await announce(randomBytes(500), { traceId: `trace-${uid()}` });
      await callPublic(t, "PATCH", `/media/${failed.mediaId}`, { body: { ...uploaded(), uploadHttpStatus: 403, uploadHttpError: "denied" } });
      const item = await createItem({ datasetName: dataset.name, input: [reference(pending.mediaId), reference(failed.mediaId)] });
      expect(item.mediaReferences).toEqual([]);
      await complete(pending.mediaId, pending.uploadUrl!, pendingBytes);
      const read = await getItem(item.id);
      expect(shape(read.mediaReferences)).toEqual([{ field: "input", jsonPath: "$[0]", referenceString: reference(pending.mediaId), mediaId: pending.mediaId }]);
      await expectServed(read.mediaReferences, new Map([[pending.mediaId, pendingBytes]]));
    });

    it("keeps a pending link that no version references yet", async () => {
      const dataset = await newDataset();
      const id = `item-${uid()}`;
      const later = await stored({ datasetId: dataset.id, datasetItemId: id, field: "expectedOutput" });
      await createItem({ datasetName: dataset.name, id, input: "text only" });
      const pending = () => sql("select media_id from dataset_item_media where project_id = $1 and dataset_item_id = $2 and dataset_item_valid_from is null", [t.project.id, id]);
      expect(await pending()).toEqual([{ media_id: later.mediaId }]);
      const item = await createItem({ datasetName: dataset.name, id, expectedOutput: { answer: reference(later.mediaId) } });
      expect(shape(item.mediaReferences).map((entry) => entry.jsonPath)).toEqual(["$['answer']"]);
      expect(await pending()).toEqual([]);
    });
  });

  describe("trace deletes", () => {
    const ingestTrace = async (traceId: string, observationId: string, mediaId: string) => {
      const at = new Date().toISOString();
      const response = await callPublic(t, "POST", "/ingestion", {
        body: {
          batch: [
            { id: randomUUID(), type: "trace-create", timestamp: at, body: { id: traceId, input: { image: reference(mediaId) } } },
            { id: randomUUID(), type: "span-create", timestamp: at, body: { id: observationId, traceId, startTime: at, output: reference(mediaId) } },
          ],
        },
      });
      expect(response.statusCode).toBe(207);
      expect(response.json().errors).toEqual([]);
    };

    it("removes the trace's links, and the media nothing else links to: its row and its stored object", async () => {
      const traceId = `trace-${uid()}`;
      const observationId = `span-${uid()}`;
      const file = await stored({ traceId });
      expect((await announce(file.bytes, { traceId, observationId, field: "output" })).uploadUrl).toBeNull();
      await ingestTrace(traceId, observationId, file.mediaId);
      expect(await traceLinks(file.mediaId)).toEqual([traceId, traceId]);
      expect(await objectStored(file.mediaId)).toBe(true);

      await deleteTrace(traceId);
      expect(await traceLinks(file.mediaId)).toEqual([]);
      expect(await mediaRow(file.mediaId)).toBe(0);
      expect(await objectStored(file.mediaId)).toBe(false);
      const gone = await callPublic(t, "GET", `/media/${file.mediaId}`);
      expect(gone.statusCode).toBe(404);
      expectReferenceResponse(GET_MEDIA, 404, gone.json());
      // The same bytes announced again are uploaded afresh.
      const again = await announce(file.bytes, { traceId: `trace-${uid()}` });
      expect(again).toEqual({ mediaId: file.mediaId, uploadUrl: expect.any(String) });
      await complete(again.mediaId, again.uploadUrl!, file.bytes);
      expect(await objectStored(file.mediaId)).toBe(true);
    });

    it("keeps media that another trace, an observation or a dataset item still links to, until the last link goes", async () => {
      const [a, b, c, d, e] = ["a", "b", "c", "d", "e"].map((name) => `trace-${name}-${uid()}`) as [string, string, string, string, string];
      const shared = await stored({ traceId: a });
      await announce(shared.bytes, { traceId: b, observationId: `span-${uid()}` });
      const inItem = await stored({ traceId: c });
      const dataset = await newDataset();
      await createItem({ datasetName: dataset.name, input: reference(inItem.mediaId) });
      const inPendingItem = await stored({ traceId: d });
      await announce(inPendingItem.bytes, { datasetId: dataset.id, datasetItemId: `item-${uid()}`, field: "input" });
      const alone = await stored({ traceId: e });

      expect(await ok(DELETE_TRACES, "/traces", { body: { traceIds: [a, c, d, e] } })).toEqual({ message: "Traces deleted successfully" });
      for (const kept of [shared, inItem, inPendingItem]) {
        expect(await mediaRow(kept.mediaId)).toBe(1);
        expect(await objectStored(kept.mediaId)).toBe(true);
        expect((await callPublic(t, "GET", `/media/${kept.mediaId}`)).statusCode).toBe(200);
      }
      expect(await traceLinks(shared.mediaId)).toEqual([b]);
      expect(await mediaRow(alone.mediaId)).toBe(0);
      expect(await objectStored(alone.mediaId)).toBe(false);

      await deleteTrace(b);
      expect(await mediaRow(shared.mediaId)).toBe(0);
      expect(await objectStored(shared.mediaId)).toBe(false);
    });

    it("never removes an upload in flight: announced and not uploaded yet, or uploaded before its trace is written", async () => {
      const notUploaded = randomBytes(700);
      const announced = await announce(notUploaded, { traceId: `trace-${uid()}` });
      const early = await stored({ traceId: `trace-${uid()}` });
      // Another trace with the same files is deleted while those uploads are under way.
      const other = `trace-${uid()}`;
      await announce(notUploaded, { traceId: other });
      await announce(early.bytes, { traceId: other });
      await deleteTrace(other);

      expect(await mediaRow(announced.mediaId)).toBe(1);
      await complete(announced.mediaId, announced.uploadUrl!, notUploaded);
      expect((await callPublic(t, "GET", `/media/${announced.mediaId}`)).statusCode).toBe(200);
      expect(await objectStored(announced.mediaId)).toBe(true);
      expect(await objectStored(early.mediaId)).toBe(true);
      expect(await mediaRow(early.mediaId)).toBe(1);
    });

    it("never leaves an announcement racing the delete without its file or its row", async () => {
      // The announcement starts a little later each round, so that it meets the delete at each of its steps.
      for (let round = 0; round < 12; round += 1) {
        const deleted = `trace-${uid()}`;
        const file = await stored({ traceId: deleted });
        const [, ticket] = await Promise.all([deleteTrace(deleted), sleep(round * 3).then(() => announce(file.bytes, { traceId: `trace-${uid()}` }))]);
        expect(await mediaRow(file.mediaId)).toBe(1);
        // Told there is nothing to upload only while the file is still there; else it uploads it again.
        if (ticket.uploadUrl === null) expect(await objectStored(file.mediaId)).toBe(true);
        else await complete(ticket.mediaId, ticket.uploadUrl, file.bytes);
        expect((await callPublic(t, "GET", `/media/${file.mediaId}`)).statusCode).toBe(200);
        expect(await objectStored(file.mediaId)).toBe(true);
      }
    });

    it("touches only the deleting project's links", async () => {
      const other = await t.createProject();
      const traceId = `trace-${uid()}`;
      const mine = await stored({ traceId });
      const theirs = await stored({ traceId }, other);
      await deleteTrace(traceId, other);
      expect(await mediaRow(theirs.mediaId, other)).toBe(0);
      expect(await objectStored(theirs.mediaId, other)).toBe(false);
      expect(await traceLinks(mine.mediaId)).toEqual([traceId]);
      expect(await objectStored(mine.mediaId)).toBe(true);
    });
  });
});
