import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows } from "@wick/clickhouse";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";

const DAY_MS = 86_400_000;

/**
 * Data retention (auth-admin.md §2.12): a sweep removes a project's tracing data older than its
 * `retentionDays`, with the events it was folded from, and leaves newer data and projects without
 * retention alone.
 */
describe.each(postgresModes())("data retention (%s Postgres)", (mode) => {
  let t: TestApp;
  let limited: TestProject;
  let unlimited: TestProject;

  const call = (project: TestProject, url: string) => t.app.inject({ method: "GET", url: `/api/public${url}`, headers: { authorization: project.basic } });

  /** A trace at `at` in session `sessionId`, with a span and a score at the same time. */
  async function traceAt(project: TestProject, at: Date, sessionId: string): Promise<string> {
    const traceId = randomUUID();
    const time = at.toISOString();
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: project.basic },
      payload: {
        batch: [
          { id: randomUUID(), type: "trace-create", timestamp: time, body: { id: traceId, timestamp: time, sessionId } },
          { id: randomUUID(), type: "span-create", timestamp: time, body: { id: `${traceId}-span`, traceId, startTime: time } },
          { id: randomUUID(), type: "score-create", timestamp: time, body: { id: `${traceId}-score`, traceId, name: "q", value: 1, timestamp: time } },
        ],
      },
    });
    expect(response.json().errors).toEqual([]);
    return traceId;
  }

  const rawEventsOf = async (project: TestProject, traceId: string) => {
    const [row] = await selectRows<{ n: string }>(t.stores.clickhouse.client, {
      name: "test.raw-events-of-trace",
      sql: "SELECT count() AS n FROM raw_events WHERE project_id = {projectId:String} AND entity_id IN {ids:Array(String)}",
      params: { projectId: project.id, ids: [traceId, `${traceId}-span`, `${traceId}-score`] },
    });
    return Number(row!.n);
  };

  const present = async (project: TestProject, traceId: string, sessionId: string) => ({
    trace: (await call(project, `/traces/${traceId}`)).statusCode,
    observation: (await call(project, `/observations/${traceId}-span`)).statusCode,
    score: (await call(project, `/v2/scores/${traceId}-score`)).statusCode,
    session: (await call(project, `/sessions/${sessionId}`)).statusCode,
  });
  const ALL = { trace: 200, observation: 200, score: 200, session: 200 };
  const NONE = { trace: 404, observation: 404, score: 404, session: 404 };

  beforeAll(async () => {
    t = await createTestApp(mode);
    limited = await t.createProject();
    unlimited = await t.createProject();
    await t.services.repositories.projects.update(limited.id, { name: "limited", retentionDays: 7 });
  });
  afterAll(async () => t?.close());

  it("removes what is older than the retention, with its logged events, and keeps the rest", async () => {
    const old = new Date(Date.now() - 30 * DAY_MS);
    const recent = new Date(Date.now() - DAY_MS);
    const expired = await traceAt(limited, old, "old-session");
    const kept = await traceAt(limited, recent, "recent-session");
    // A session first seen long ago that a recent trace still names stays.
    const lingering = await traceAt(limited, old, "long-session");
    await traceAt(limited, recent, "long-session");
    const elsewhere = await traceAt(unlimited, old, "old-session");
    expect(await present(limited, expired, "old-session")).toEqual(ALL);
    expect(await rawEventsOf(limited, expired)).toBe(3);

    await t.services.retention.sweep();

    expect(await present(limited, expired, "old-session")).toEqual(NONE);
    expect(await rawEventsOf(limited, expired)).toBe(0);
    expect(await present(limited, kept, "recent-session")).toEqual(ALL);
    expect(await rawEventsOf(limited, kept)).toBe(3);
    expect((await present(limited, lingering, "long-session")).session).toBe(200);
    expect((await present(limited, lingering, "long-session")).trace).toBe(404);
    expect(await present(unlimited, elsewhere, "old-session")).toEqual(ALL);
    const listed = (await call(limited, "/traces?limit=100")).json();
    expect(listed.data.map((trace: { id: string }) => trace.id)).not.toContain(expired);

    // A second pass finds nothing more to remove.
    await t.services.retention.sweep();
    expect(await present(limited, kept, "recent-session")).toEqual(ALL);
    // A session whose row went is written again by the next trace that names it.
    const revived = await traceAt(limited, recent, "old-session");
    expect(await present(limited, revived, "old-session")).toEqual(ALL);
  });
});
