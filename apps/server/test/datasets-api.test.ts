import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, callPublic, createTestApp, postgresModes, type PublicCallOptions, type TestApp, type TestProject } from "./support/harness.ts";
import { ISO_DATE } from "./support/expectations.ts";
import { checkedCall, okCall, type ReferenceCallOptions, type ReferenceOperation } from "./support/reference-calls.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const LIST_DATASETS = { method: "GET", path: "/api/public/v2/datasets" };
const CREATE_DATASET = { method: "POST", path: "/api/public/v2/datasets" };
const GET_DATASET = { method: "GET", path: "/api/public/v2/datasets/{datasetName}" };
const CREATE_ITEM = { method: "POST", path: "/api/public/dataset-items" };
const LIST_ITEMS = { method: "GET", path: "/api/public/dataset-items" };
const GET_ITEM = { method: "GET", path: "/api/public/dataset-items/{id}" };
const DELETE_ITEM = { method: "DELETE", path: "/api/public/dataset-items/{id}" };

const UUID = expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

type Method = "GET" | "POST" | "DELETE";
type Body = Record<string, unknown>;
interface Item {
  id: string;
  status: string;
  input: unknown;
  createdAt: string;
  [key: string]: unknown;
}

describe.each(postgresModes())("datasets API (%s Postgres)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode);
  });
  afterAll(async () => t?.close());

  /** A name no other test uses, so tests can share the app's project. */
  const fresh = (prefix = "dataset") => `${prefix}-${randomUUID().slice(0, 8)}`;
  const segment = (name: string) => encodeURIComponent(name);

  const call = (method: Method, url: string, options: PublicCallOptions = {}) => callPublic(t, method, url, options);

  const checked = (operation: ReferenceOperation, url: string, options: ReferenceCallOptions = {}) => checkedCall(t, operation, url, options);
  const ok = (operation: ReferenceOperation, url: string, options: ReferenceCallOptions = {}) => okCall(t, operation, url, options);

  const createDataset = (body: Body, project?: TestProject) => ok(CREATE_DATASET, "/v2/datasets", { body, project });
  const getDataset = (name: string, project?: TestProject) => checked(GET_DATASET, `/v2/datasets/${segment(name)}`, { project });
  const createItem = (body: Body, project?: TestProject): Promise<Item> => ok(CREATE_ITEM, "/dataset-items", { body, project });
  const postItem = (body: Body, project?: TestProject) => checked(CREATE_ITEM, "/dataset-items", { body, project });
  const getItem = (id: string, project?: TestProject) => checked(GET_ITEM, `/dataset-items/${segment(id)}`, { project });
  const deleteItem = (id: string, project?: TestProject) => checked(DELETE_ITEM, `/dataset-items/${segment(id)}`, { project });
  const listItems = (query: Record<string, string | number>, project?: TestProject): Promise<{ data: Item[]; meta: Body }> =>
    ok(LIST_ITEMS, `/dataset-items?${new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)]))}`, { project });
  /** Every item of a dataset, paged as the SDKs page: until `meta.totalPages` says the page was the last. */
  const allItems = async (datasetName: string, limit: number, extra: Record<string, string> = {}): Promise<Item[]> => {
    const items: Item[] = [];
    for (let page = 1; ; page += 1) {
      const { data, meta } = await listItems({ datasetName, page, limit, ...extra });
      items.push(...data);
      if ((meta.totalPages as number) <= page) return items;
    }
  };
  const newDataset = async (extra: Body = {}) => (await createDataset({ name: fresh(), ...extra })) as { id: string; name: string };
  const instant = async () => {
    // Writes on either side of the instant land in other milliseconds.
    await sleep(3);
    const at = new Date().toISOString();
    await sleep(3);
    return at;
  };

  describe("authentication and isolation", () => {
    it("answers auth failures with a bare message", async () => {
      const missing = await call("GET", "/v2/datasets", { authorization: null });
      expect(missing.statusCode).toBe(401);
      expect(missing.json()).toEqual({ message: "No authorization header" });
      const bearer = await call("POST", "/dataset-items", { authorization: `Bearer ${t.project.publicKey}`, body: { datasetName: "x", input: 1 } });
      expect(bearer.statusCode).toBe(403);
      expect(bearer.json()).toEqual({ message: "Access denied - insufficient permissions for this endpoint" });
      const orgKey = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId: t.project.orgId });
      const organization = await call("GET", "/dataset-items/any", { authorization: basicAuthHeader(orgKey.publicKey, orgKey.secretKey) });
      expect(organization.statusCode).toBe(403);
    });

    it("keeps each project's datasets and items to itself: another project's names and ids are 404s", async () => {
      const other = await t.createProject();
      const dataset = await newDataset();
      const item = await createItem({ datasetName: dataset.name, id: fresh("item"), input: "mine" });

      expect((await getDataset(dataset.name, other)).statusCode).toBe(404);
      expect((await call("GET", `/datasets/${segment(dataset.name)}`, { project: other })).statusCode).toBe(404);
      expect((await getItem(item.id, other)).statusCode).toBe(404);
      expect((await deleteItem(item.id, other)).statusCode).toBe(404);
      const intoTheirs = await postItem({ datasetName: dataset.name, input: 1 }, other);
      expect(intoTheirs.statusCode).toBe(404);
      expect(intoTheirs.json()).toEqual({ message: `Dataset ${dataset.name} not found for project ${other.id}`, error: "LangfuseNotFoundError" });
      expect((await call("GET", `/dataset-items?datasetName=${segment(dataset.name)}`, { project: other })).statusCode).toBe(404);
      expect((await listItems({}, other)).data).toEqual([]);
      expect((await ok(LIST_DATASETS, "/v2/datasets", { project: other })).data).toEqual([]);

      // The same name and item id in the other project are that project's own.
      const theirs = await createDataset({ name: dataset.name, description: "theirs" }, other);
      expect(theirs.id).not.toBe(dataset.id);
      const theirItem = await createItem({ datasetName: dataset.name, id: item.id, input: "theirs" }, other);
      expect(theirItem.datasetId).toBe(theirs.id);
      expect((await getItem(item.id).then((response) => response.json())).input).toBe("mine");
      expect((await getDataset(dataset.name).then((response) => response.json())).description).toBeNull();
    });
  });

  describe("datasets", () => {
    it("creates a dataset and reads it back by name", async () => {
      const name = fresh();
      const created = await createDataset({ name, description: "golden answers", metadata: { owner: "qa", tags: ["a"] } });
      expect(created).toEqual({
        id: expect.stringMatching(/^c[0-9a-z]{24}$/),
        name,
        description: "golden answers",
        metadata: { owner: "qa", tags: ["a"] },
        inputSchema: null,
        expectedOutputSchema: null,
        projectId: t.project.id,
        createdAt: ISO_DATE,
        updatedAt: ISO_DATE,
      });
      const read = await getDataset(name);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(created);
    });

    it("upserts by name: null or absent description and metadata stay, a schema absent stays and null removes it", async () => {
      const name = fresh();
      const schema = { type: "object", properties: { question: { type: "string" } }, required: ["question"] };
      const first = await createDataset({ name, description: "d1", metadata: { v: 1 }, inputSchema: schema, expectedOutputSchema: { type: "string" } });
      await sleep(2);
      const second = await createDataset({ name, description: null, metadata: null });
      expect(second).toMatchObject({
        id: first.id,
        description: "d1",
        metadata: { v: 1 },
        inputSchema: schema,
        expectedOutputSchema: { type: "string" },
        createdAt: first.createdAt,
      });
      expect(second.updatedAt > first.updatedAt).toBe(true);
      const third = await createDataset({ name, description: "d2", metadata: ["m"], inputSchema: null });
      expect(third).toMatchObject({ id: first.id, description: "d2", metadata: ["m"], inputSchema: null, expectedOutputSchema: { type: "string" } });
      expect((await getDataset(name)).json()).toEqual(third);
    });

    it("keeps a schema's keys in the order they were written", async () => {
      const schema = { type: "object", required: ["b", "a"], properties: { b: { type: "number" }, a: { type: "string" } } };
      const created = await createDataset({ name: fresh(), inputSchema: schema });
      expect(JSON.stringify(created.inputSchema)).toBe(JSON.stringify(schema));
    });

    it.each([
      ["spaces", "my dataset"],
      ["a plus sign", "a+b"],
      ["folders", "evals/qa/golden"],
      ["unicode", "données/évaluation ✓ 日本語"],
      ["a pipe", "a|b"],
      ["a percent sign", "100% sure"],
    ])("reads a name with %s, sent URL-encoded", async (_, base) => {
      const name = `${base} ${randomUUID().slice(0, 4)}`;
      const created = await createDataset({ name });
      expect(created.name).toBe(name);
      const read = await getDataset(name);
      expect(read.statusCode, read.body).toBe(200);
      expect(read.json().id).toBe(created.id);
    });

    it("decodes a name from the path a second time, as the reference does", async () => {
      const name = `${fresh()}/a%2Fb`;
      await createDataset({ name });
      // Sent encoded once, the router gives `…/a%2Fb`, which decodes again to `…/a/b`: another name.
      expect((await getDataset(name)).statusCode).toBe(404);
      const twice = await call("GET", `/v2/datasets/${segment(segment(name))}`);
      expect(twice.statusCode).toBe(200);
      expect(twice.json().name).toBe(name);
    });

    it.each([
      ["", "Text cannot be empty"],
      ["<b>x</b>", "Text cannot contain HTML tags"],
      ["/lead", "Name cannot start with a slash"],
      ["a//b", "Name cannot contain consecutive slashes"],
      ["trail/", "Name cannot end with a slash"],
    ])("refuses the name %j: %s", async (name, reason) => {
      const response = await call("POST", "/v2/datasets", { body: { name } });
      expect(response.statusCode).toBe(400);
      expectReferenceResponse(CREATE_DATASET, 400, response.json());
      expect(response.json().error).toBe("InvalidRequestError");
      expect(response.json().message).toMatch(/^Dataset name not valid\. /);
      expect(response.json().message).toContain(reason);
    });

    it("stores a name untrimmed", async () => {
      const name = ` ${fresh()} `;
      expect((await createDataset({ name })).name).toBe(name);
      expect((await getDataset(name)).statusCode).toBe(200);
    });

    it.each([
      ["an unknown keyword", { type: "object", colour: "blue" }],
      ["a keyword for another type", { type: "string", minimum: 1 }],
      ["a required property it does not define", { type: "object", required: ["question"] }],
      ["an array", [{ type: "string" }]],
      ["a string", "object"],
      ["a schema over 10,000 characters", { type: "object", description: "x".repeat(10_000) }],
    ])("refuses %s as a schema, naming the field", async (_, schema) => {
      for (const field of ["inputSchema", "expectedOutputSchema"]) {
        const response = await call("POST", "/v2/datasets", { body: { name: fresh(), [field]: schema } });
        expect(response.statusCode).toBe(400);
        expect(response.json().message).toBe("Invalid request data");
        expect(response.json().error).toEqual([expect.objectContaining({ instancePath: `/${field}`, message: "Must be a valid JSON Schema" })]);
      }
    });

    it("accepts `format` without checking it", async () => {
      const { name } = await newDataset({ inputSchema: { type: "string", format: "email" } });
      expect((await createItem({ datasetName: name, input: "not an email" })).input).toBe("not an email");
    });

    it("checks every current item before setting a schema, and names the items that fail", async () => {
      const { name } = await newDataset();
      const good = await createItem({ datasetName: name, id: fresh("good"), input: { question: "2+2?" }, expectedOutput: "four" });
      const bad = await createItem({ datasetName: name, id: fresh("bad"), input: { prompt: "2+2?" }, expectedOutput: 4 });
      // Archived items count too.
      await createItem({ datasetName: name, id: bad.id, status: "ARCHIVED" });

      const questionSchema = { type: "object", properties: { question: { type: "string" } }, required: ["question"] };
      const refused = await call("POST", "/v2/datasets", { body: { name, inputSchema: questionSchema, expectedOutputSchema: { type: "string" } } });
      expect(refused.statusCode).toBe(400);
      const message: string = refused.json().message;
      expect(message).toMatch(/^Schema validation failed for 2 item\(s\)\. Details: /);
      expect(JSON.parse(message.slice(message.indexOf("Details: ") + 9))).toEqual([
        { datasetItemId: bad.id, field: "input", errors: [{ path: "/", message: "must have required property 'question'", keyword: "required" }] },
        { datasetItemId: bad.id, field: "expectedOutput", errors: [{ path: "/", message: "must be string", keyword: "type" }] },
      ]);
      expect((await getDataset(name)).json().inputSchema).toBeNull();

      await deleteItem(bad.id);
      const accepted = await createDataset({ name, inputSchema: questionSchema });
      expect(accepted.inputSchema).toEqual(questionSchema);
      expect((await getItem(good.id)).statusCode).toBe(200);
    });

    it("stops the check at ten failures", async () => {
      const { name } = await newDataset();
      for (let index = 0; index < 12; index += 1) await createItem({ datasetName: name, input: index });
      const refused = await call("POST", "/v2/datasets", { body: { name, inputSchema: { type: "string" } } });
      expect(refused.statusCode).toBe(400);
      const message: string = refused.json().message;
      expect(message).toMatch(/^Schema validation failed for more than 10 item\(s\)\. Details: /);
      expect(JSON.parse(message.slice(message.indexOf("Details: ") + 9))).toHaveLength(10);
    });

    it("lists datasets newest first, with page counts", async () => {
      const other = await t.createProject();
      const empty = await ok(LIST_DATASETS, "/v2/datasets", { project: other });
      expect(empty).toEqual({ data: [], meta: { page: 1, limit: 50, totalItems: 0, totalPages: 0 } });
      const names: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        names.push((await createDataset({ name: fresh() }, other)).name);
        await sleep(2);
      }
      const first = await ok(LIST_DATASETS, "/v2/datasets?limit=2", { project: other });
      expect(first.meta).toEqual({ page: 1, limit: 2, totalItems: 5, totalPages: 3 });
      const third = await ok(LIST_DATASETS, "/v2/datasets?limit=2&page=3", { project: other });
      expect([...first.data, ...third.data].map((dataset: { name: string }) => dataset.name)).toEqual([names[4], names[3], names[0]]);
      expect((await ok(LIST_DATASETS, "/v2/datasets?page=&limit=", { project: other })).meta).toEqual({ page: 1, limit: 50, totalItems: 5, totalPages: 1 });
      for (const query of ["page=0", "limit=0", "limit=101", "page=x"]) expect((await call("GET", `/v2/datasets?${query}`, { project: other })).statusCode).toBe(400);
    });

    it("answers 404 for an unknown name", async () => {
      const response = await getDataset(fresh("missing"));
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ message: "Dataset not found", error: "LangfuseNotFoundError" });
    });
  });

  describe("creating and updating items", () => {
    it("creates an item with a server id, ACTIVE, and reads it back", async () => {
      const dataset = await newDataset();
      const item = await createItem({ datasetName: dataset.name, input: { question: "2+2?" }, expectedOutput: "4", metadata: { source: "manual" }, sourceTraceId: "trace-1" });
      expect(item).toEqual({
        id: UUID,
        status: "ACTIVE",
        input: { question: "2+2?" },
        expectedOutput: 4,
        metadata: { source: "manual" },
        sourceTraceId: "trace-1",
        sourceObservationId: null,
        datasetId: dataset.id,
        datasetName: dataset.name,
        createdAt: ISO_DATE,
        updatedAt: ISO_DATE,
        mediaReferences: [],
      });
      const read = await getItem(item.id);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(item);
    });

    it("requires an input for a new item without an id, but not with one", async () => {
      const { name } = await newDataset();
      for (const body of [{ datasetName: name }, { datasetName: name, input: null, expectedOutput: 1 }]) {
        const response = await postItem(body);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ message: "Dataset item validation failed: Dataset item input cannot be null", error: "InvalidRequestError" });
      }
      const withId = await createItem({ datasetName: name, id: fresh("item"), expectedOutput: "x" });
      expect(withId).toMatchObject({ input: null, expectedOutput: "x", metadata: null });
    });

    it("merges an update: null or absent fields keep their values, and the status toggles alone", async () => {
      const { name } = await newDataset();
      const id = fresh("item");
      const first = await createItem({ datasetName: name, id, input: { q: 1 }, expectedOutput: "a", metadata: { m: 1 }, sourceTraceId: "t1", sourceObservationId: "o1" });
      const archived = await createItem({ datasetName: name, id, status: "ARCHIVED" });
      expect(archived).toMatchObject({ input: { q: 1 }, expectedOutput: "a", metadata: { m: 1 }, sourceTraceId: "t1", sourceObservationId: "o1", status: "ARCHIVED" });
      // The version's write time: an update's createdAt is its own, not the first write's.
      expect(archived.createdAt > first.createdAt).toBe(true);
      const updated = await createItem({ datasetName: name, id, input: null, expectedOutput: "b", metadata: null, sourceTraceId: null, status: null });
      expect(updated).toMatchObject({ input: { q: 1 }, expectedOutput: "b", metadata: { m: 1 }, sourceTraceId: "t1", status: "ARCHIVED" });
      const reactivated = await createItem({ datasetName: name, id, status: "ACTIVE", sourceObservationId: "o2" });
      expect(reactivated).toMatchObject({ status: "ACTIVE", sourceObservationId: "o2", expectedOutput: "b" });
      expect((await getItem(id)).json()).toEqual(reactivated);
    });

    it("answers 409 when the id belongs to another dataset of the project", async () => {
      const first = await newDataset();
      const second = await newDataset();
      const id = fresh("item");
      await createItem({ datasetName: first.name, id, input: 1 });
      const response = await postItem({ datasetName: second.name, id, input: 2 });
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toBe("LangfuseConflictError");
      expect(response.json().message).toMatch(new RegExp(`^Dataset item id ${id} already exists in another dataset \\(id ${first.id}\\) in this project; `));
      expect((await getItem(id)).json()).toMatchObject({ datasetId: first.id, input: 1 });

      // Once deleted, the id is free, and starts afresh.
      await deleteItem(id);
      expect(await createItem({ datasetName: second.name, id, expectedOutput: 3 })).toMatchObject({ datasetId: second.id, input: null, expectedOutput: 3 });
    });

    it("answers 404 for an unknown dataset, naming it and the project", async () => {
      const name = fresh("missing");
      const response = await postItem({ datasetName: name, input: 1 });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ message: `Dataset ${name} not found for project ${t.project.id}`, error: "LangfuseNotFoundError" });
    });

    it('stores a string that is JSON as the value it denotes, "" as null, other strings as they are', async () => {
      const { name } = await newDataset();
      const item = await createItem({ datasetName: name, input: '{"question": "2+2?", "n": [1, 2]}', expectedOutput: "42", metadata: "not json {" });
      expect(item).toMatchObject({ input: { question: "2+2?", n: [1, 2] }, expectedOutput: 42, metadata: "not json {" });
      const more = await createItem({ datasetName: name, input: "true", expectedOutput: '"quoted"', metadata: "" });
      expect(more).toMatchObject({ input: true, expectedOutput: "quoted", metadata: null });
      const kept = await createItem({ datasetName: name, id: more.id, input: "" });
      expect(kept).toMatchObject({ input: null, expectedOutput: "quoted" });
    });

    it("strips control characters from every string, keeping tab, line feed and return", async () => {
      const { name } = await newDataset();
      const dirty = "a\u0000b\u0007c\td\ne\rf\u000bg\u000ch\u007fi\u0085j\u009fk";
      const item = await createItem({ datasetName: name, input: { text: dirty, list: [dirty] }, expectedOutput: dirty, metadata: JSON.stringify({ text: dirty }) });
      const clean = "abc\td\ne\rfghijk";
      expect(item).toMatchObject({ input: { text: clean, list: [clean] }, expectedOutput: clean, metadata: { text: clean } });
    });

    it("keeps integers beyond a double's precision digit for digit in storage", async () => {
      const { name } = await newDataset();
      const item = await createItem({ datasetName: name, input: '{"id": 123456789012345678901234567890, "small": 7, "text": "123456789012345678901"}' });
      const [row] = await t.stores.postgres.execute("select input::text as input from dataset_items where project_id = $1 and id = $2", [t.project.id, item.id]);
      expect(row!.input).toBe('{"id": 123456789012345678901234567890, "text": "123456789012345678901", "small": 7}');
      expect(item.input).toEqual({ id: 123456789012345678901234567890, small: 7, text: "123456789012345678901" });
      // A merge that keeps the input keeps it exact.
      await createItem({ datasetName: name, id: item.id, expectedOutput: 1 });
      const [after] = await t.stores.postgres.execute("select input::text as input from dataset_items where project_id = $1 and id = $2 and valid_to is null", [
        t.project.id,
        item.id,
      ]);
      expect(after!.input).toBe(row!.input);
    });

    it("checks input and expected output against the dataset's schemas", async () => {
      const { name } = await newDataset({
        inputSchema: { type: "object", properties: { question: { type: "string" } }, required: ["question"] },
        expectedOutputSchema: { type: "string" },
      });
      const response = await postItem({ datasetName: name, input: { prompt: "x" }, expectedOutput: 4 });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        message: "Dataset item validation failed: Input validation failed: must have required property 'question'; Expected output validation failed: must be string",
        error: "InvalidRequestError",
      });
      // A JSON string is checked as the value it denotes.
      const item = await createItem({ datasetName: name, input: '{"question": "2+2?"}', expectedOutput: "four" });
      expect(item.input).toEqual({ question: "2+2?" });
      const outputOnly = await postItem({ datasetName: name, id: item.id, expectedOutput: { wrong: true } });
      expect(outputOnly.json().message).toBe("Dataset item validation failed: Expected output validation failed: must be string");
    });

    it("refuses references to media the project does not hold (the media API tests accept held ones)", async () => {
      const { name } = await newDataset();
      const reference = (id: string) => `@@@langfuseMedia:type=image/png|id=${id}|source=bytes@@@`;
      const response = await postItem({ datasetName: name, input: { image: reference("media-1"), text: `see ${reference("media-2")} and ${reference("media-1")}` } });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: "Dataset item references unknown media: media-1, media-2", error: "InvalidRequestError" });
      expect((await postItem({ datasetName: name, input: 1, metadata: [reference("media-3")] })).json().message).toBe("Dataset item references unknown media: media-3");
      // Text that only looks like a reference is a string like any other.
      expect((await createItem({ datasetName: name, input: "@@@langfuseMedia:not a reference@@@" })).input).toBe("@@@langfuseMedia:not a reference@@@");
    });

    it("refuses bad fields with 400 naming them", async () => {
      const { name } = await newDataset();
      const cases: Array<[Body, string]> = [
        [{ input: 1 }, "/datasetName"],
        [{ datasetName: name, input: 1, id: "" }, "/id"],
        [{ datasetName: name, input: 1, id: "x".repeat(256) }, "/id"],
        [{ datasetName: name, input: 1, status: "DELETED" }, "/status"],
        [{ datasetName: name, input: 1, sourceTraceId: 7 }, "/sourceTraceId"],
      ];
      for (const [body, path] of cases) {
        const response = await postItem(body);
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.json().error).toEqual([expect.objectContaining({ instancePath: path })]);
      }
      expect((await createItem({ datasetName: name, input: 1, id: "x".repeat(255) })).id).toHaveLength(255);
    });

    it("takes item bodies over 1 MB", async () => {
      const { name } = await newDataset();
      const item = await createItem({ datasetName: name, input: { text: "x".repeat(3_000_000) } });
      expect((item.input as { text: string }).text).toHaveLength(3_000_000);
    });

    it("gives concurrent writes of one id distinct versions, the last one current", async () => {
      const { name } = await newDataset();
      const id = fresh("item");
      const responses = await Promise.all(Array.from({ length: 12 }, (_, index) => postItem({ datasetName: name, id, input: index })));
      expect(responses.map((response) => response.statusCode)).toEqual(Array(12).fill(200));
      const rows = await t.stores.postgres.execute("select valid_from, valid_to from dataset_items where project_id = $1 and id = $2 order by valid_from", [t.project.id, id]);
      expect(rows).toHaveLength(12);
      expect(rows.filter((row) => row.valid_to === null)).toHaveLength(1);
      const current = (await getItem(id)).json();
      const last = responses
        .map((response) => response.json())
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .at(-1);
      expect(current.input).toBe(last.input);
    });
  });

  describe("reading and deleting items", () => {
    it("reads an archived item by id, and answers 404 for an unknown or deleted one", async () => {
      const { name } = await newDataset();
      const item = await createItem({ datasetName: name, input: 1, status: "ARCHIVED" });
      expect((await getItem(item.id)).json()).toMatchObject({ id: item.id, status: "ARCHIVED" });
      const missing = await getItem(fresh("missing"));
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ message: "Dataset item not found", error: "LangfuseNotFoundError" });
    });

    it("deletes an item, once", async () => {
      const { name } = await newDataset();
      const item = await createItem({ datasetName: name, input: 1 });
      const deleted = await deleteItem(item.id);
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toEqual({ message: "Dataset item successfully deleted" });
      expect((await getItem(item.id)).statusCode).toBe(404);
      const again = await deleteItem(item.id);
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ message: `Dataset item with id ${item.id} not found for project ${t.project.id}`, error: "LangfuseNotFoundError" });
      expect((await listItems({ datasetName: name })).data).toEqual([]);
    });

    it("answers values Postgres cannot hold with a 4xx, never a 500", async () => {
      const { name } = await newDataset();
      const nul = "a\u0000b";
      const responses = [
        await call("GET", `/v2/datasets/${segment(nul)}`),
        await call("POST", "/v2/datasets", { body: { name: nul } }),
        await call("GET", `/dataset-items/${segment(nul)}`),
        await call("DELETE", `/dataset-items/${segment(nul)}`),
        await call("POST", "/dataset-items", { body: { datasetName: nul, input: 1 } }),
        await call("POST", "/dataset-items", { body: { datasetName: name, id: nul, input: 1 } }),
        await call("POST", "/dataset-items", { body: { datasetName: name, input: 1, sourceTraceId: nul } }),
        await call("POST", "/dataset-items", { body: { datasetName: name, input: { [nul]: 1 } } }),
        await call("GET", `/dataset-items?sourceTraceId=${segment(nul)}`),
        await call("GET", `/dataset-items?datasetName=${segment(name)}&version=-271821-04-20T00:00:00Z`),
        await call("GET", `/dataset-items?datasetName=${segment(name)}&page=1e300`),
        await call("GET", "/v2/datasets?page=99999999999999999999"),
        await call("GET", "/datasets?page=99999999999999999999"),
      ];
      for (const response of responses) expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
      for (const response of responses) expect(response.statusCode, response.body).toBeLessThan(500);
    });

    it("takes ids with slashes and spaces in the path", async () => {
      const { name } = await newDataset();
      const id = `${fresh("folder")}/item one+two`;
      await createItem({ datasetName: name, id, input: 1 });
      expect((await getItem(id)).json().id).toBe(id);
      expect((await deleteItem(id)).statusCode).toBe(200);
    });
  });

  describe("listing items", () => {
    it("lists the active items, most recently written first, with page counts (0 pages when empty)", async () => {
      const { name } = await newDataset();
      expect(await listItems({ datasetName: name })).toEqual({ data: [], meta: { page: 1, limit: 50, totalItems: 0, totalPages: 0 } });
      const a = await createItem({ datasetName: name, id: fresh("a"), input: "a" });
      const b = await createItem({ datasetName: name, id: fresh("b"), input: "b" });
      const c = await createItem({ datasetName: name, id: fresh("c"), input: "c" });
      await createItem({ datasetName: name, id: fresh("archived"), input: "x", status: "ARCHIVED" });
      // Writing an item makes it the most recent.
      await createItem({ datasetName: name, id: a.id, metadata: { touched: true } });
      const { data, meta } = await listItems({ datasetName: name, limit: 2 });
      expect(meta).toEqual({ page: 1, limit: 2, totalItems: 3, totalPages: 2 });
      const second = await listItems({ datasetName: name, limit: 2, page: 2 });
      expect([...data, ...second.data].map((item) => item.id)).toEqual([a.id, c.id, b.id]);
      expect(await listItems({ datasetName: name, limit: 2, page: 3 })).toMatchObject({ data: [], meta: { totalItems: 3, totalPages: 2 } });
    });

    it("filters by source trace and observation, across the project's datasets without a name", async () => {
      const first = await newDataset();
      const second = await newDataset();
      const trace = fresh("trace");
      await createItem({ datasetName: first.name, input: 1, sourceTraceId: trace, sourceObservationId: "obs-1" });
      await createItem({ datasetName: second.name, input: 2, sourceTraceId: trace });
      await createItem({ datasetName: second.name, input: 3, sourceTraceId: fresh("trace") });
      expect((await listItems({ sourceTraceId: trace })).data.map((item) => item.input).sort()).toEqual([1, 2]);
      expect((await listItems({ sourceTraceId: trace, datasetName: second.name })).data.map((item) => item.input)).toEqual([2]);
      expect((await listItems({ sourceTraceId: trace, sourceObservationId: "obs-1" })).data.map((item) => item.datasetName)).toEqual([first.name]);
    });

    it("refuses a version without a dataset name, an invalid version and an unknown dataset", async () => {
      const { name } = await newDataset();
      const withoutName = await call("GET", `/dataset-items?version=${new Date().toISOString()}`);
      expect(withoutName.statusCode).toBe(400);
      expect(withoutName.json().error).toEqual([expect.objectContaining({ instancePath: "/datasetName", message: "datasetName is required when version parameter is provided" })]);
      const invalid = await call("GET", `/dataset-items?datasetName=${segment(name)}&version=yesterday`);
      expect(invalid.statusCode).toBe(400);
      expect(invalid.json().error).toEqual([expect.objectContaining({ instancePath: "/version" })]);
      const unknown = await call("GET", `/dataset-items?datasetName=${fresh("missing")}`);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ message: "Dataset not found", error: "LangfuseNotFoundError" });
    });

    it("returns the items as they were at a version: later writes, archives and deletes undone", async () => {
      const { name } = await newDataset();
      const updated = await createItem({ datasetName: name, id: fresh("updated"), input: "before" });
      const archived = await createItem({ datasetName: name, id: fresh("archived"), input: "was active" });
      const deleted = await createItem({ datasetName: name, id: fresh("deleted"), input: "was there" });
      const laterActive = await createItem({ datasetName: name, id: fresh("reactivated"), input: "was archived", status: "ARCHIVED" });
      const before = await instant();
      await createItem({ datasetName: name, id: updated.id, input: "after" });
      await createItem({ datasetName: name, id: archived.id, status: "ARCHIVED" });
      await deleteItem(deleted.id);
      await createItem({ datasetName: name, id: laterActive.id, status: "ACTIVE" });
      const added = await createItem({ datasetName: name, input: "new" });

      const then = await listItems({ datasetName: name, version: before });
      expect(then.meta.totalItems).toBe(3);
      expect(then.data.map((item) => [item.id, item.input])).toEqual([
        [deleted.id, "was there"],
        [archived.id, "was active"],
        [updated.id, "before"],
      ]);
      expect(then.data.find((item) => item.id === updated.id)!.createdAt).toBe(updated.createdAt);

      const now = await listItems({ datasetName: name });
      expect(now.data.map((item) => [item.id, item.input])).toEqual([
        [added.id, "new"],
        [laterActive.id, "was archived"],
        [updated.id, "after"],
      ]);
      // Before the dataset had items, and a date without a time.
      expect((await listItems({ datasetName: name, version: "2020-01-01" })).meta).toMatchObject({ totalItems: 0, totalPages: 0 });
    });

    it("never skips or repeats an item across pages when items were written concurrently", async () => {
      const { name } = await newDataset();
      // Concurrent writes land in the same milliseconds: only the id orders them.
      const created = await Promise.all(Array.from({ length: 60 }, (_, index) => createItem({ datasetName: name, input: index })));
      const paged = await allItems(name, 7);
      expect(paged.map((item) => item.id).sort()).toEqual(created.map((item) => item.id).sort());
      const order = [...paged].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      expect(paged.map((item) => item.id)).toEqual(order.map((item) => item.id));
    });

    it("pages through a version unchanged while items are written between the pages", async () => {
      const { name } = await newDataset();
      const existing = await Promise.all(Array.from({ length: 25 }, (_, index) => createItem({ datasetName: name, input: index })));
      const version = await instant();
      const items: Item[] = [];
      for (let page = 1; ; page += 1) {
        const { data, meta } = await listItems({ datasetName: name, version, page, limit: 4 });
        items.push(...data);
        // Inserts, updates and deletes between the pages.
        await createItem({ datasetName: name, input: `new ${page}` });
        if (existing[page]) await createItem({ datasetName: name, id: existing[page]!.id, input: "changed" });
        if (existing[page + 10]) await deleteItem(existing[page + 10]!.id);
        if ((meta.totalPages as number) <= page) break;
      }
      expect(items.map((item) => item.id).sort()).toEqual(existing.map((item) => item.id).sort());
      expect(new Set(items.map((item) => item.input))).toEqual(new Set(existing.map((item) => item.input)));
    });

    it("answers from the current state after every write, however the pages were read before", async () => {
      const { name } = await newDataset();
      const first = await Promise.all(Array.from({ length: 9 }, (_, index) => createItem({ datasetName: name, input: index })));
      expect(await allItems(name, 4)).toHaveLength(9);
      const added = await createItem({ datasetName: name, input: "added" });
      const afterAdd = await allItems(name, 4);
      expect(afterAdd).toHaveLength(10);
      expect(afterAdd[0]!.id).toBe(added.id);
      await deleteItem(first[0]!.id);
      await createItem({ datasetName: name, id: first[1]!.id, status: "ARCHIVED" });
      const afterRemovals = await allItems(name, 4);
      expect(afterRemovals.map((item) => item.id).sort()).toEqual([added, ...first.slice(2)].map((item) => item.id).sort());
      expect((await listItems({ datasetName: name, limit: 4, page: 2 })).meta).toEqual({ page: 2, limit: 4, totalItems: 8, totalPages: 2 });
    });
  });

  describe("legacy v1 datasets", () => {
    it("creates (upserts) through POST /datasets, answering empty items and runs", async () => {
      const name = fresh();
      const created = (await call("POST", "/datasets", { body: { name, description: "v1" } })).json();
      expectReferenceResponse(GET_DATASET, 200, created);
      expect(created).toMatchObject({ name, description: "v1", items: [], runs: [] });
      await createItem({ datasetName: name, input: 1 });
      const again = await call("POST", "/datasets", { body: { name, metadata: { m: 1 } } });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ id: created.id, description: "v1", metadata: { m: 1 }, items: [], runs: [] });
    });

    it("reads a dataset with every active item, unpaginated", async () => {
      const { name, id } = await newDataset();
      const items = [];
      for (let index = 0; index < 60; index += 1) items.push(await createItem({ datasetName: name, input: index }));
      await createItem({ datasetName: name, id: items[0]!.id, status: "ARCHIVED" });
      const response = await call("GET", `/datasets/${segment(name)}`);
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expectReferenceResponse(GET_DATASET, 200, body);
      for (const item of body.items) expectReferenceResponse(GET_ITEM, 200, item);
      expect(body).toMatchObject({ id, name, runs: [] });
      expect(body.items.map((item: Item) => item.id)).toEqual(
        items
          .slice(1)
          .reverse()
          .map((item) => item.id),
      );
      const missing = await call("GET", `/datasets/${fresh("missing")}`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ message: "Dataset not found", error: "LangfuseNotFoundError" });
    });

    it("lists datasets with the ids of their active items, and takes page 0", async () => {
      const other = await t.createProject();
      const first = await createDataset({ name: fresh() }, other);
      await sleep(2);
      const second = await createDataset({ name: fresh() }, other);
      const a = await createItem({ datasetName: first.name, input: 1 }, other);
      await createItem({ datasetName: first.name, input: 2, status: "ARCHIVED" }, other);
      const response = await call("GET", "/datasets?page=0&limit=10", { project: other });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.meta).toEqual({ page: 0, limit: 10, totalItems: 2, totalPages: 1 });
      expect(body.data.map((dataset: { id: string; items: string[]; runs: string[] }) => [dataset.id, dataset.items, dataset.runs])).toEqual([
        [second.id, [], []],
        [first.id, [a.id], []],
      ]);
      for (const dataset of body.data) expectReferenceResponse(GET_DATASET, 200, dataset);
      expect((await call("GET", "/datasets?page=-1", { project: other })).statusCode).toBe(400);
    });
  });
});
