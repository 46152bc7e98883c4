import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardWidgets } from "@wick/postgres";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { expectUnstableError, unstableCalls } from "./support/unstable-calls.ts";

const LIST = { method: "GET", path: "/api/public/unstable/dashboards" };
const CREATE = { method: "POST", path: "/api/public/unstable/dashboards" };
const GET = { method: "GET", path: "/api/public/unstable/dashboards/{dashboardId}" };
const UPDATE = { method: "PATCH", path: "/api/public/unstable/dashboards/{dashboardId}" };
const DELETE = { method: "DELETE", path: "/api/public/unstable/dashboards/{dashboardId}" };
const ADD_PLACEMENT = { method: "POST", path: "/api/public/unstable/dashboards/{dashboardId}/placements" };
const UPDATE_PLACEMENT = { method: "PATCH", path: "/api/public/unstable/dashboards/{dashboardId}/placements/{placementId}" };
const DELETE_PLACEMENT = { method: "DELETE", path: "/api/public/unstable/dashboards/{dashboardId}/placements/{placementId}" };

describe.each(postgresModes())("unstable dashboards API (%s Postgres)", (mode) => {
  let t: TestApp;
  let project: TestProject;
  let other: TestProject;

  const { call, ok } = unstableCalls(
    () => t,
    () => project,
  );

  /** A 200 checked against the operation's reference schema. */

  /** An error in the unstable contract: its status, code and message, and the reference's envelope. */
  const failure = expectUnstableError;

  const addWidget = async (owner: TestProject, id: string) => {
    await t.stores.postgres.db.insert(dashboardWidgets).values({
      id,
      projectId: owner.id,
      name: "cost by model",
      view: "OBSERVATIONS",
      dimensions: [{ field: "providedModelName" }],
      metrics: [{ measure: "totalCost", agg: "sum" }],
      filters: [],
      chartType: "BAR_TIME_SERIES",
      chartConfig: { type: "BAR_TIME_SERIES" },
    });
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    project = await t.createProject();
    other = await t.createProject();
  });
  afterAll(async () => t?.close());

  it("creates a dashboard with the defaults, reads, lists, updates and deletes it", async () => {
    const created = await ok(CREATE, "POST", "/dashboards", { name: "Costs" });
    expect(created).toEqual({
      id: expect.stringMatching(/^c[0-9a-z]{24}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      name: "Costs",
      description: "",
      definition: { widgets: [] },
      filters: [],
    });
    expect(await ok(GET, "GET", `/dashboards/${created.id}`)).toEqual(created);

    const filters = [
      { type: "stringOptions", column: "environment", operator: "any of", value: ["production"] },
      { type: "datetime", column: "startTime", operator: ">=", value: "2026-01-01T00:00:00.000Z" },
      { type: "numberObject", column: "scores", key: "quality", operator: ">", value: 0.5 },
      { type: "null", column: "userId", operator: "is not null", value: "" },
    ];
    const updated = await ok(UPDATE, "PATCH", `/dashboards/${created.id}`, { description: "By model", filters });
    expect(updated).toMatchObject({ id: created.id, name: "Costs", description: "By model", filters });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));

    const second = await ok(CREATE, "POST", "/dashboards", {
      name: "Latency",
      definition: { widgets: [{ type: "preset", id: "p1", presetId: "home-traces", x: 0, y: 0, width: 12, height: 4 }] },
    });
    const listed = await ok(LIST, "GET", "/dashboards?limit=1");
    expect(listed.meta).toEqual({ page: 1, limit: 1, totalItems: 2, totalPages: 2 });
    expect(listed.data.map((dashboard: { id: string }) => dashboard.id)).toEqual([second.id]);
    const next = await ok(LIST, "GET", "/dashboards?limit=1&page=2");
    expect(next.data.map((dashboard: { id: string }) => dashboard.id)).toEqual([created.id]);

    expect(await ok(DELETE, "DELETE", `/dashboards/${created.id}`)).toEqual({ message: "Dashboard successfully deleted" });
    await failure(await call("GET", `/dashboards/${created.id}`), 404, "resource_not_found", `Dashboard ${created.id} not found`);
    await failure(await call("DELETE", `/dashboards/${created.id}`), 404, "resource_not_found", `Dashboard ${created.id} not found`);
    await failure(await call("PATCH", `/dashboards/${created.id}`, { body: { name: "x" } }), 404, "resource_not_found");
  });

  it("places tiles below the others by default, refuses taken ids, moves, resizes and removes them", async () => {
    const dashboard = await ok(CREATE, "POST", "/dashboards", { name: "Grid" });
    const first = await ok(ADD_PLACEMENT, "POST", `/dashboards/${dashboard.id}/placements`, { type: "preset", presetId: "home-model-costs" });
    expect(first).toEqual({ type: "preset", id: expect.stringMatching(/^[0-9a-f-]{36}$/), presetId: "home-model-costs", x: 0, y: 0, width: 6, height: 6 });
    const second = await ok(ADD_PLACEMENT, "POST", `/dashboards/${dashboard.id}/placements`, { type: "preset", id: "users", presetId: "home-users", width: 12, height: 3 });
    expect(second).toEqual({ type: "preset", id: "users", presetId: "home-users", x: 0, y: 6, width: 12, height: 3 });
    const third = await ok(ADD_PLACEMENT, "POST", `/dashboards/${dashboard.id}/placements`, { type: "preset", presetId: "home-traces", x: 6 });
    expect(third).toMatchObject({ x: 6, y: 9 });

    await failure(
      await call("POST", `/dashboards/${dashboard.id}/placements`, { body: { type: "preset", id: "users", presetId: "home-traces" } }),
      409,
      "conflict",
      "Placement users already exists",
    );
    expectReferenceResponse(
      ADD_PLACEMENT,
      409,
      (await call("POST", `/dashboards/${dashboard.id}/placements`, { body: { type: "preset", id: "users", presetId: "home-traces" } })).json(),
    );

    const moved = await ok(UPDATE_PLACEMENT, "PATCH", `/dashboards/${dashboard.id}/placements/users`, { x: 2, width: 4 });
    expect(moved).toEqual({ type: "preset", id: "users", presetId: "home-users", x: 2, y: 6, width: 4, height: 3 });
    await failure(await call("PATCH", `/dashboards/${dashboard.id}/placements/users`, { body: { presetId: "home-traces" } }), 400, "invalid_body");
    await failure(await call("PATCH", `/dashboards/${dashboard.id}/placements/nowhere`, { body: { x: 1 } }), 404, "resource_not_found", "Placement nowhere not found");

    expect(await ok(DELETE_PLACEMENT, "DELETE", `/dashboards/${dashboard.id}/placements/${first.id}`)).toEqual({ message: "Placement successfully deleted" });
    await failure(await call("DELETE", `/dashboards/${dashboard.id}/placements/${first.id}`), 404, "resource_not_found", `Placement ${first.id} not found`);
    const stored = await ok(GET, "GET", `/dashboards/${dashboard.id}`);
    expect(stored.definition.widgets).toEqual([moved, third]);
  });

  it("keeps every one of many placements added at once", async () => {
    const dashboard = await ok(CREATE, "POST", "/dashboards", { name: "Busy" });
    const added = await Promise.all(
      Array.from({ length: 8 }, (_, index) => call("POST", `/dashboards/${dashboard.id}/placements`, { body: { type: "preset", id: `tile-${index}`, presetId: "home-users" } })),
    );
    expect(added.map((response) => response.statusCode)).toEqual(added.map(() => 200));
    const stored = await ok(GET, "GET", `/dashboards/${dashboard.id}`);
    expect(stored.definition.widgets.map((placement: { id: string }) => placement.id).sort()).toEqual(Array.from({ length: 8 }, (_, index) => `tile-${index}`).sort());
    // Each went below the ones before it, so no two tiles share a row band.
    expect(new Set(stored.definition.widgets.map((placement: { y: number }) => placement.y)).size).toBe(8);
  });

  it("places only widgets of the project and presets the reference ships", async () => {
    await addWidget(project, "widget-mine");
    await addWidget(other, "widget-theirs");
    const dashboard = await ok(CREATE, "POST", "/dashboards", {
      name: "Widgets",
      definition: { widgets: [{ type: "widget", id: "w", widgetId: "widget-mine", x: 0, y: 0, width: 6, height: 6 }] },
    });
    expect(dashboard.definition.widgets).toEqual([{ type: "widget", id: "w", widgetId: "widget-mine", x: 0, y: 0, width: 6, height: 6 }]);
    await failure(
      await call("POST", `/dashboards/${dashboard.id}/placements`, { body: { type: "widget", widgetId: "widget-theirs" } }),
      404,
      "resource_not_found",
      "Dashboard widget widget-theirs not found",
    );
    await failure(
      await call("POST", "/dashboards", {
        body: { name: "x", definition: { widgets: [{ type: "widget", id: "a", widgetId: "widget-theirs", x: 0, y: 0, width: 1, height: 1 }] } },
      }),
      404,
      "resource_not_found",
    );
    await failure(
      await call("POST", `/dashboards/${dashboard.id}/placements`, { body: { type: "preset", presetId: "home-nothing" } }),
      404,
      "resource_not_found",
      "Preset home-nothing not found",
    );
    const duplicate = await failure(
      await call("PATCH", `/dashboards/${dashboard.id}`, {
        body: {
          definition: {
            widgets: [
              { type: "preset", id: "same", presetId: "home-users", x: 0, y: 0, width: 6, height: 6 },
              { type: "preset", id: "same", presetId: "home-traces", x: 6, y: 0, width: 6, height: 6 },
            ],
          },
        },
      }),
      400,
      "invalid_request",
      /same/,
    );
    expect(duplicate.details).toEqual({ field: "definition.widgets", value: "same" });
    expect((await ok(GET, "GET", `/dashboards/${dashboard.id}`)).definition.widgets).toHaveLength(1);
  });

  it("answers bad requests in the unstable error contract, naming what is wrong", async () => {
    const dashboard = await ok(CREATE, "POST", "/dashboards", { name: "Errors" });
    const unknownKey = await failure(await call("POST", "/dashboards", { body: { name: "x", colour: "red" } }), 400, "invalid_body", "Invalid request body");
    expect(unknownKey.details.issues[0]).toMatchObject({ code: "unrecognized_keys", message: expect.any(String), path: [] });
    // The reference takes a field that is null as a wrong type: omit it instead.
    const nulled = await failure(await call("POST", "/dashboards", { body: { name: "x", description: null } }), 400, "invalid_body");
    expect(nulled.details.issues[0].path).toEqual(["description"]);
    const emptyName = await failure(await call("POST", "/dashboards", { body: { name: "" } }), 400, "invalid_body");
    expect(emptyName.details.issues[0].path).toEqual(["name"]);
    const badFilter = await failure(
      await call("POST", "/dashboards", { body: { name: "x", filters: [{ type: "stringOptions", column: "name", operator: "contains", value: ["a"] }] } }),
      400,
      "invalid_body",
    );
    expect(badFilter.details.issues[0].path).toEqual(["filters", 0, "operator"]);
    await failure(
      await call("POST", "/dashboards", { body: { name: "x", filters: [{ type: "stringOptions", column: "name", operator: "any of", value: [] }] } }),
      400,
      "invalid_body",
    );
    const badTile = await failure(
      await call("POST", `/dashboards/${dashboard.id}/placements`, { body: { type: "preset", presetId: "home-users", width: 0 } }),
      400,
      "invalid_body",
    );
    expect(badTile.details.issues[0].path).toEqual(["width"]);
    await failure(await call("PATCH", `/dashboards/${dashboard.id}`, { body: {} }), 400, "invalid_body");
    await failure(await call("PATCH", `/dashboards/${dashboard.id}/placements/x`, { body: {} }), 400, "invalid_body");
    const badPage = await failure(await call("GET", "/dashboards?page=0"), 400, "invalid_query", "Invalid query parameters");
    expect(badPage.details.issues[0].path).toEqual(["page"]);
    await failure(await call("GET", "/dashboards?limit=101"), 400, "invalid_query");
    await failure(await call("GET", "/dashboards?sort=name"), 400, "invalid_query");

    const badJson = await t.app.inject({
      method: "POST",
      url: "/api/public/unstable/dashboards",
      headers: { authorization: project.basic, "content-type": "application/json" },
      payload: "{not json",
    });
    await failure(badJson, 400, "invalid_body");
  });

  it("answers authentication, method and route errors in the contract too", async () => {
    await failure(await call("GET", "/dashboards", { authorization: null }), 401, "authentication_failed");
    await failure(await call("GET", "/dashboards", { authorization: `Basic ${Buffer.from(`${project.publicKey}:wrong`).toString("base64")}` }), 401, "authentication_failed");
    await failure(await call("GET", "/dashboards", { authorization: `Bearer ${project.publicKey}` }), 403, "access_denied");
    await failure(await call("PUT", "/dashboards"), 405, "method_not_allowed", "Method not allowed");
    await failure(await call("GET", "/nothing-here"), 404, "resource_not_found");
    // Outside the unstable prefix, the standard bodies stay as they were.
    const standard = await t.app.inject({ method: "GET", url: "/api/public/nothing-here", headers: { authorization: project.basic } });
    expect(standard.statusCode).toBe(404);
    expect(standard.json()).toEqual({ message: "Route GET /api/public/nothing-here not found", error: "LangfuseNotFoundError" });
  });

  it("keeps projects apart", async () => {
    const mine = await ok(CREATE, "POST", "/dashboards", { name: "Mine" });
    await failure(await call("GET", `/dashboards/${mine.id}`, { project: other }), 404, "resource_not_found");
    await failure(await call("PATCH", `/dashboards/${mine.id}`, { body: { name: "theirs" }, project: other }), 404, "resource_not_found");
    await failure(await call("DELETE", `/dashboards/${mine.id}`, { project: other }), 404, "resource_not_found");
    await failure(await call("POST", `/dashboards/${mine.id}/placements`, { body: { type: "preset", presetId: "home-users" }, project: other }), 404, "resource_not_found");
    const theirs = await ok(LIST, "GET", "/dashboards", undefined, other);
    expect(theirs.data.map((dashboard: { id: string }) => dashboard.id)).not.toContain(mine.id);
    expect((await ok(GET, "GET", `/dashboards/${mine.id}`)).name).toBe("Mine");
  });
});
