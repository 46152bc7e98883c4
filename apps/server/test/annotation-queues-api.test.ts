import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { annotationQueueAssignments } from "@wick/postgres";
import { callPublic, createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

type Method = "GET" | "POST" | "PATCH" | "DELETE";

const QUEUES = "/api/public/annotation-queues";
const QUEUE = `${QUEUES}/{queueId}`;
const ITEMS = `${QUEUE}/items`;
const ITEM = `${ITEMS}/{itemId}`;
const ASSIGNMENTS = `${QUEUE}/assignments`;

const QUEUE_NOT_FOUND = { message: "Annotation queue not found", error: "LangfuseNotFoundError" };
const ITEM_NOT_FOUND = { message: "Annotation queue item not found", error: "LangfuseNotFoundError" };
const USER_NOT_FOUND = { message: "User not found or not authorized for this project", error: "LangfuseNotFoundError" };
const CONFIGS_NOT_FOUND = { message: "At least one of the score config IDs cannot be found for the given project.", error: "InvalidRequestError" };
const NAME_TAKEN = { message: "A queue with this name already exists.", error: "InvalidRequestError" };
const CONCURRENT = { message: "Concurrent annotation queue creation conflict. Please retry.", error: "LangfuseConflictError" };

interface Item {
  id: string;
  objectId: string;
  status: string;
  completedAt: string | null;
  updatedAt: string;
}

describe.each(postgresModes())("annotation queues API (%s Postgres)", (mode) => {
  let t: TestApp;
  /** A project in another organization, with a score config and a queue of its own. */
  let other: TestProject;
  let configId: string;
  let archivedConfigId: string;
  let otherConfigId: string;
  let otherQueueId: string;
  let queues = 0;
  let emails = 0;

  const call = (method: Method, url: string, body?: unknown, project?: TestProject) => callPublic(t, method, `/annotation-queues${url}`, { body, project });
  /** Calls the route and expects a reference-shaped 200, returning its body. */
  const ok = async (method: Method, path: string, url: string, body?: unknown, project?: TestProject) => {
    const response = await call(method, url, body, project);
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse({ method, path }, 200, response.json());
    return response.json();
  };
  const expectError = async (method: Method, url: string, body: unknown, status: number, expected: object) => {
    const response = await call(method, url, body);
    expect(response.statusCode, response.body).toBe(status);
    expect(response.json()).toEqual(expected);
  };
  const expectInvalid = async (method: Method, url: string, body: unknown, field: string) => {
    const response = await call(method, url, body);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().message).toBe("Invalid request data");
    expect(JSON.stringify(response.json().error)).toContain(field);
  };
  const newQueue = async (project?: TestProject, scoreConfigIds = [project ? otherConfigId : configId]) =>
    ok("POST", QUEUES, "", { name: `queue ${++queues}`, scoreConfigIds }, project);
  const newItem = async (queueId: string, body: object = { objectId: "trace-1", objectType: "TRACE" }): Promise<Item> => ok("POST", ITEMS, `/${queueId}/items`, body);
  const scoreConfig = async (project: TestProject, name: string) => {
    const response = await callPublic(t, "POST", "/score-configs", { project, body: { name, dataType: "NUMERIC" } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().id as string;
  };
  const newUser = () => t.services.repositories.users.ensureByEmail({ email: `annotator${++emails}@example.com`, name: "Annotator" });
  const member = async (orgId: string) => {
    const user = await newUser();
    await t.services.repositories.memberships.addToOrganization(orgId, user.id, "MEMBER");
    return user.id;
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    other = await t.createProject();
    configId = await scoreConfig(t.project, "accuracy");
    archivedConfigId = await scoreConfig(t.project, "retired");
    const archived = await callPublic(t, "PATCH", `/score-configs/${archivedConfigId}`, { body: { isArchived: true } });
    expect(archived.statusCode, archived.body).toBe(200);
    otherConfigId = await scoreConfig(other, "elsewhere");
    otherQueueId = (await newQueue(other)).id;
  });
  afterAll(async () => t?.close());

  describe("queues", () => {
    it("creates a queue and reads it back alone and in the list", async () => {
      const created = await ok("POST", QUEUES, "", { name: "Review", description: "Weekly review", scoreConfigIds: [configId, archivedConfigId] });
      expect(created).toEqual({
        id: expect.stringMatching(/^c[a-z0-9]{24}$/),
        name: "Review",
        description: "Weekly review",
        scoreConfigIds: [configId, archivedConfigId],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await ok("GET", QUEUE, `/${created.id}`)).toEqual(created);
      const list = await ok("GET", QUEUES, "?limit=100");
      expect(list.data).toContainEqual(created);
    });

    it("leaves the description null unless given", async () => {
      expect((await ok("POST", QUEUES, "", { name: "No description", scoreConfigIds: [configId] })).description).toBeNull();
      expect((await ok("POST", QUEUES, "", { name: "Null description", description: null, scoreConfigIds: [configId] })).description).toBeNull();
    });

    it("lists newest first and walks every page once", async () => {
      const project = await t.createProject();
      const config = await scoreConfig(project, "c");
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await ok("POST", QUEUES, "", { name: `q${i}`, scoreConfigIds: [config] }, project)).id);
      const walked: string[] = [];
      for (let page = 1; page <= 3; page += 1) {
        const body = await ok("GET", QUEUES, `?limit=2&page=${page}`, undefined, project);
        expect(body.meta).toEqual({ page, limit: 2, totalItems: 5, totalPages: 3 });
        walked.push(...body.data.map((queue: { id: string }) => queue.id));
      }
      expect(walked).toEqual([...ids].reverse());
      expect((await ok("GET", QUEUES, "?page=&limit=", undefined, project)).meta).toEqual({ page: 1, limit: 50, totalItems: 5, totalPages: 1 });
    });

    it("refuses score configs that are not the project's, and an empty list", async () => {
      await expectError("POST", "", { name: "x1", scoreConfigIds: ["no-such-config"] }, 400, CONFIGS_NOT_FOUND);
      await expectError("POST", "", { name: "x2", scoreConfigIds: [configId, otherConfigId] }, 400, CONFIGS_NOT_FOUND);
      await expectInvalid("POST", "", { name: "x3", scoreConfigIds: [] }, "scoreConfigIds");
      // More ids than a statement takes parameters.
      await expectError("POST", "", { name: "x4", scoreConfigIds: Array.from({ length: 70_000 }, (_, i) => `c${i}`) }, 400, CONFIGS_NOT_FOUND);
    });

    it("answers a taken name with 400, while another project may use it", async () => {
      await ok("POST", QUEUES, "", { name: "Shared name", scoreConfigIds: [configId] });
      await expectError("POST", "", { name: "Shared name", scoreConfigIds: [configId] }, 400, NAME_TAKEN);
      await ok("POST", QUEUES, "", { name: "Shared name", scoreConfigIds: [otherConfigId] }, other);
    });

    it("creates one queue of concurrent creations of a name; the others are told why", async () => {
      const responses = await Promise.all(Array.from({ length: 6 }, () => call("POST", "", { name: "Raced", scoreConfigIds: [configId] })));
      expect(responses.filter((response) => response.statusCode === 200)).toHaveLength(1);
      for (const response of responses.filter((response) => response.statusCode !== 200)) expect([NAME_TAKEN, CONCURRENT]).toContainEqual(response.json());
    });

    it("answers 409 when the name is taken between the check and the insert", async () => {
      await ok("POST", QUEUES, "", { name: "Lost race", scoreConfigIds: [configId] });
      // The window of a real race, held open: the check has not seen the other creation yet.
      const { repository } = t.services.annotationQueues as unknown as { repository: { queueNameExists(): Promise<boolean> } };
      const check = vi.spyOn(repository, "queueNameExists").mockResolvedValueOnce(false);
      await expectError("POST", "", { name: "Lost race", scoreConfigIds: [configId] }, 409, CONCURRENT);
      expect(check).toHaveBeenCalledOnce();
      check.mockRestore();
    });

    it.each([
      [{ scoreConfigIds: ["c"] }, "name"],
      [{ name: "x" }, "scoreConfigIds"],
      [{ name: 1, scoreConfigIds: ["c"] }, "name"],
      [{ name: "x", scoreConfigIds: "c" }, "scoreConfigIds"],
      [{ name: "x", description: 5, scoreConfigIds: ["c"] }, "description"],
      [{ name: "x", scoreConfigIds: ["c"], projectId: "p" }, "projectId"],
    ])("refuses the body %j naming %s", async (body, field) => expectInvalid("POST", "", body, field));

    it("answers 404 for an unknown queue and another project's", async () => {
      await expectError("GET", "/no-such-queue", undefined, 404, QUEUE_NOT_FOUND);
      await expectError("GET", `/${otherQueueId}`, undefined, 404, QUEUE_NOT_FOUND);
      expect((await ok("GET", QUEUES, "?limit=100")).data.map((queue: { id: string }) => queue.id)).not.toContain(otherQueueId);
    });
  });

  describe("items", () => {
    it("adds objects of every type without looking them up, PENDING by default", async () => {
      const queue = await newQueue();
      for (const objectType of ["TRACE", "OBSERVATION", "SESSION"]) {
        const item = await newItem(queue.id, { objectId: `missing-${objectType}`, objectType });
        expect(item).toEqual({
          id: expect.any(String),
          queueId: queue.id,
          objectId: `missing-${objectType}`,
          objectType,
          status: "PENDING",
          completedAt: null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        });
        expect(await ok("GET", ITEM, `/${queue.id}/items/${item.id}`)).toEqual(item);
      }
      // The same object may be queued again.
      const again = await newItem(queue.id, { objectId: "missing-TRACE", objectType: "TRACE" });
      expect((await ok("GET", ITEMS, `/${queue.id}/items`)).meta.totalItems).toBe(4);
      expect(again.objectId).toBe("missing-TRACE");
    });

    it("stamps completedAt on an item created COMPLETED", async () => {
      const queue = await newQueue();
      const before = Date.now();
      const item = await newItem(queue.id, { objectId: "t", objectType: "TRACE", status: "COMPLETED" });
      expect(item.status).toBe("COMPLETED");
      expect(Date.parse(item.completedAt!)).toBeGreaterThanOrEqual(before - 1);
    });

    it("completes an item anew each time, keeps the stamp when reopened, and bumps updatedAt on an empty change", async () => {
      const queue = await newQueue();
      const item = await newItem(queue.id);
      const url = `/${queue.id}/items/${item.id}`;
      const completed: Item = await ok("PATCH", ITEM, url, { status: "COMPLETED" });
      expect(completed.status).toBe("COMPLETED");
      expect(completed.completedAt).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const again: Item = await ok("PATCH", ITEM, url, { status: "COMPLETED" });
      expect(Date.parse(again.completedAt!)).toBeGreaterThan(Date.parse(completed.completedAt!));
      const reopened: Item = await ok("PATCH", ITEM, url, { status: "PENDING" });
      expect(reopened).toMatchObject({ status: "PENDING", completedAt: again.completedAt });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const touched: Item = await ok("PATCH", ITEM, url, {});
      expect(touched).toMatchObject({ status: "PENDING", completedAt: again.completedAt });
      expect(Date.parse(touched.updatedAt)).toBeGreaterThan(Date.parse(reopened.updatedAt));
      expect(await ok("GET", ITEM, url)).toEqual(touched);
    });

    it("lists a queue's items newest first, by status, a page at a time", async () => {
      const queue = await newQueue();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await newItem(queue.id, { objectId: `o${i}`, objectType: "OBSERVATION", status: i % 2 === 0 ? "PENDING" : "COMPLETED" })).id);
      const all = await ok("GET", ITEMS, `/${queue.id}/items`);
      expect(all.meta).toEqual({ page: 1, limit: 50, totalItems: 5, totalPages: 1 });
      expect(all.data.map((item: Item) => item.id)).toEqual([...ids].reverse());
      const completed = await ok("GET", ITEMS, `/${queue.id}/items?status=COMPLETED`);
      expect(completed.data.map((item: Item) => item.id)).toEqual([ids[3], ids[1]]);
      const page = await ok("GET", ITEMS, `/${queue.id}/items?status=PENDING&limit=2&page=2`);
      expect(page).toMatchObject({ meta: { page: 2, limit: 2, totalItems: 3, totalPages: 2 } });
      expect(page.data.map((item: Item) => item.id)).toEqual([ids[0]]);
      // Another queue's items are not this queue's.
      expect((await ok("GET", ITEMS, `/${(await newQueue()).id}/items`)).data).toEqual([]);
    });

    it("deletes an item once", async () => {
      const queue = await newQueue();
      const item = await newItem(queue.id);
      const url = `/${queue.id}/items/${item.id}`;
      expect(await ok("DELETE", ITEM, url)).toEqual({ success: true, message: "Annotation queue item deleted successfully" });
      await expectError("GET", url, undefined, 404, ITEM_NOT_FOUND);
      await expectError("DELETE", url, undefined, 404, ITEM_NOT_FOUND);
    });

    it("answers 404 for a missing queue before a missing item, and for an item asked of another queue", async () => {
      const queue = await newQueue();
      const item = await newItem(queue.id);
      const elsewhere = (await newQueue()).id;
      for (const method of ["GET", "PATCH", "DELETE"] as const) {
        const body = method === "PATCH" ? { status: "COMPLETED" } : undefined;
        await expectError(method, `/no-such-queue/items/${item.id}`, body, 404, QUEUE_NOT_FOUND);
        await expectError(method, `/${queue.id}/items/no-such-item`, body, 404, ITEM_NOT_FOUND);
        await expectError(method, `/${elsewhere}/items/${item.id}`, body, 404, ITEM_NOT_FOUND);
      }
      await expectError("GET", "/no-such-queue/items", undefined, 404, QUEUE_NOT_FOUND);
      await expectError("POST", "/no-such-queue/items", { objectId: "t", objectType: "TRACE" }, 404, QUEUE_NOT_FOUND);
      expect((await ok("GET", ITEM, `/${queue.id}/items/${item.id}`)).status).toBe("PENDING");
    });

    it.each([
      [{ objectType: "TRACE" }, "objectId"],
      [{ objectId: "t" }, "objectType"],
      [{ objectId: "t", objectType: "PROMPT" }, "objectType"],
      [{ objectId: "t", objectType: "TRACE", status: null }, "status"],
      [{ objectId: "t", objectType: "TRACE", status: "DONE" }, "status"],
      [{ objectId: "t", objectType: "TRACE", queueId: "q" }, "queueId"],
    ])("refuses the item %j naming %s", async (body, field) => {
      const queue = await newQueue();
      await expectInvalid("POST", `/${queue.id}/items`, body, field);
    });

    it.each([
      [{ status: null }, "status"],
      [{ status: "pending" }, "status"],
      [{ status: "COMPLETED", completedAt: null }, "completedAt"],
    ])("refuses the change %j naming %s", async (body, field) => {
      const queue = await newQueue();
      const item = await newItem(queue.id);
      await expectInvalid("PATCH", `/${queue.id}/items/${item.id}`, body, field);
    });
  });

  describe("assignments", () => {
    it("assigns a member of the organization once however often asked, and unassigns them", async () => {
      const queue = await newQueue();
      const userId = await member(t.project.orgId);
      const expected = { userId, projectId: t.project.id, queueId: queue.id };
      expect(await ok("POST", ASSIGNMENTS, `/${queue.id}/assignments`, { userId })).toEqual(expected);
      expect(await ok("POST", ASSIGNMENTS, `/${queue.id}/assignments`, { userId })).toEqual(expected);
      const rows = async () => (await t.stores.postgres.db.select().from(annotationQueueAssignments)).filter((row) => row.queueId === queue.id && row.userId === userId);
      expect(await rows()).toHaveLength(1);
      expect(await ok("DELETE", ASSIGNMENTS, `/${queue.id}/assignments`, { userId })).toEqual({ success: true });
      expect(await rows()).toHaveLength(0);
      // Unassigning someone who is not assigned succeeds all the same.
      expect(await ok("DELETE", ASSIGNMENTS, `/${queue.id}/assignments`, { userId })).toEqual({ success: true });
    });

    it("assigns members of any role, NONE included", async () => {
      const queue = await newQueue();
      const user = await newUser();
      await t.services.repositories.memberships.addToOrganization(t.project.orgId, user.id, "NONE");
      expect((await ok("POST", ASSIGNMENTS, `/${queue.id}/assignments`, { userId: user.id })).userId).toBe(user.id);
    });

    it("refuses unknown users and users outside the organization, on both routes", async () => {
      const queue = await newQueue();
      const stranger = (await newUser()).id;
      const otherMember = await member(other.orgId);
      for (const method of ["POST", "DELETE"] as const) {
        for (const userId of ["no-such-user", stranger, otherMember]) {
          await expectError(method, `/${queue.id}/assignments`, { userId }, 404, USER_NOT_FOUND);
        }
      }
    });

    it("answers 404 for a queue that is not the project's", async () => {
      const userId = await member(t.project.orgId);
      for (const method of ["POST", "DELETE"] as const) {
        await expectError(method, "/no-such-queue/assignments", { userId }, 404, QUEUE_NOT_FOUND);
        await expectError(method, `/${otherQueueId}/assignments`, { userId }, 404, QUEUE_NOT_FOUND);
      }
    });

    it.each([
      ["POST", {}],
      ["POST", { userId: 7 }],
      ["POST", { userId: "u", role: "ADMIN" }],
      ["DELETE", {}],
      ["DELETE", { userId: "u", extra: true }],
    ] as const)("%s refuses the body %j", async (method, body) => {
      const queue = await newQueue();
      const field = Object.keys(body).find((key) => key !== "userId") ?? "userId";
      await expectInvalid(method, `/${queue.id}/assignments`, body, field);
    });
  });

  describe("strict queries and isolation", () => {
    it("refuses an unknown query parameter on every route, but takes one named like a path parameter", async () => {
      const queue = await newQueue();
      const item = await newItem(queue.id);
      const userId = await member(t.project.orgId);
      const routes: Array<[Method, string, unknown?]> = [
        ["GET", ""],
        ["POST", "", { name: "strict", scoreConfigIds: [configId] }],
        ["GET", `/${queue.id}`],
        ["GET", `/${queue.id}/items`],
        ["POST", `/${queue.id}/items`, { objectId: "t", objectType: "TRACE" }],
        ["GET", `/${queue.id}/items/${item.id}`],
        ["PATCH", `/${queue.id}/items/${item.id}`, {}],
        ["POST", `/${queue.id}/assignments`, { userId }],
        ["DELETE", `/${queue.id}/assignments`, { userId }],
        ["DELETE", `/${queue.id}/items/${item.id}`],
      ];
      for (const [method, url, body] of routes) {
        await expectInvalid(method, `${url}?verbose=true`, body, "verbose");
      }
      expect((await call("GET", `/${queue.id}?queueId=${otherQueueId}`)).json().id).toBe(queue.id);
      expect((await call("GET", `/${queue.id}/items/${item.id}?itemId=x&queueId=y`)).json().id).toBe(item.id);
    });

    it.each([
      ["", "?limit=101", "limit"],
      ["", "?limit=0", "limit"],
      ["", "?page=0", "page"],
      ["", "?page=one", "page"],
      ["/items", "?status=DONE", "status"],
      ["/items", "?limit=101", "limit"],
    ])("refuses the list query %s%s naming %s", async (suffix, query, field) => {
      const url = suffix === "" ? query : `/${(await newQueue()).id}/items${query}`;
      await expectInvalid("GET", url, undefined, field);
    });

    it("answers 404 on every route for another project's queue and items", async () => {
      const foreignItem: Item = await ok("POST", ITEMS, `/${otherQueueId}/items`, { objectId: "t", objectType: "TRACE" }, other);
      const userId = await member(t.project.orgId);
      const routes: Array<[Method, string, unknown?]> = [
        ["GET", `/${otherQueueId}`],
        ["GET", `/${otherQueueId}/items`],
        ["POST", `/${otherQueueId}/items`, { objectId: "t", objectType: "TRACE" }],
        ["GET", `/${otherQueueId}/items/${foreignItem.id}`],
        ["PATCH", `/${otherQueueId}/items/${foreignItem.id}`, { status: "COMPLETED" }],
        ["DELETE", `/${otherQueueId}/items/${foreignItem.id}`],
        ["POST", `/${otherQueueId}/assignments`, { userId }],
        ["DELETE", `/${otherQueueId}/assignments`, { userId }],
      ];
      for (const [method, url, body] of routes) await expectError(method, url, body, 404, QUEUE_NOT_FOUND);
      // An own queue does not reach another project's item either.
      const own = await newQueue();
      await expectError("GET", `/${own.id}/items/${foreignItem.id}`, undefined, 404, ITEM_NOT_FOUND);
      expect(await ok("GET", ITEM, `/${otherQueueId}/items/${foreignItem.id}`, undefined, other)).toEqual(foreignItem);
    });

    it("answers hostile input with 4xx, never 500", async () => {
      const queue = await newQueue();
      const nul = "a\u0000b";
      const cases: Array<[Method, string, unknown?]> = [
        ["POST", "", { name: nul, scoreConfigIds: [configId] }],
        ["POST", "", { name: "nul config", scoreConfigIds: [nul] }],
        ["GET", "/a%00b"],
        ["POST", `/${queue.id}/items`, { objectId: nul, objectType: "TRACE" }],
        ["POST", `/${queue.id}/assignments`, { userId: nul }],
        ["POST", "", [1]],
        ["PATCH", `/${queue.id}/items/x`],
        ["DELETE", `/${queue.id}/assignments`],
      ];
      for (const [method, url, body] of cases) {
        const response = await call(method, url, body);
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(400);
      }
      const put = await callPublic(t, "PUT", "/annotation-queues");
      expect(put.statusCode).toBe(405);
      expect(put.json()).toEqual({ message: "Method not allowed", error: "MethodNotAllowedError" });
    });

    it("refuses a public key alone", async () => {
      const response = await callPublic(t, "GET", "/annotation-queues", { authorization: `Bearer ${t.project.publicKey}` });
      expect(response.statusCode).toBe(403);
    });
  });
});
