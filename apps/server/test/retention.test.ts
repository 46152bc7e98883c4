import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectRows } from "@wick/clickhouse";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { uploadMedia } from "./support/media-upload.ts";

const DAY_MS = 86_400_000;

/**
 * Data retention (auth-admin.md §2.12): a sweep removes a project's tracing data older than its
 * `retentionDays`, with the events it was folded from and the media files linked from it, and
 * leaves newer data and projects without retention alone.
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

  /** The trace's three events, and the log's entries filing its span and its score under it. */
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

  const sql = (query: string, params: unknown[]) => t.stores.postgres.execute(query, params);

  const uploaded = (project: TestProject, bytes: Buffer, link: { traceId: string; observationId?: string }) => uploadMedia(t.app, project.basic, bytes, link);

  /**
   * The server stamps media and links with the time of the upload; this moves both back, as if
   * the file had been uploaded `days` ago, when its trace was written.
   */
  async function backdate(project: TestProject, mediaId: string, traceId: string, days: number) {
    await sql("update media set created_at = created_at - make_interval(days => $3) where project_id = $1 and id = $2", [project.id, mediaId, days]);
    for (const table of ["trace_media", "observation_media"]) {
      await sql(`update ${table} set created_at = created_at - make_interval(days => $4) where project_id = $1 and media_id = $2 and trace_id = $3`, [
        project.id,
        mediaId,
        traceId,
        days,
      ]);
    }
  }

  const mediaState = async (project: TestProject, mediaId: string) => {
    const rows = await sql(
      `select (select count(*) from media where project_id = $1 and id = $2) as media,
              (select count(*) from trace_media where project_id = $1 and media_id = $2) as trace_links,
              (select count(*) from observation_media where project_id = $1 and media_id = $2) as observation_links`,
      [project.id, mediaId],
    );
    const object = await t.services.objectStore.get(`${t.services.objectStore.keyPrefix}${project.id}/${mediaId}.png`);
    object?.body.destroy();
    const { media, trace_links, observation_links } = rows[0]!;
    return { media: Number(media), traceLinks: Number(trace_links), observationLinks: Number(observation_links), file: object !== undefined };
  };

  /** GET /media answers a URL that serves exactly these bytes. */
  async function readsBack(project: TestProject, mediaId: string, bytes: Buffer) {
    const answer = await call(project, `/media/${mediaId}`);
    expect(answer.statusCode, answer.body).toBe(200);
    const { pathname, search } = new URL(answer.json().url);
    const download = await t.app.inject({ method: "GET", url: pathname + search });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(bytes)).toBe(true);
  }

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
    expect(await rawEventsOf(limited, expired)).toBe(5);

    await t.services.retention.sweep();

    expect(await present(limited, expired, "old-session")).toEqual(NONE);
    expect(await rawEventsOf(limited, expired)).toBe(0);
    expect(await present(limited, kept, "recent-session")).toEqual(ALL);
    expect(await rawEventsOf(limited, kept)).toBe(5);
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

  it("removes the media files of expired traces and observations with their rows, and keeps newer ones", async () => {
    const old = new Date(Date.now() - 30 * DAY_MS);
    const recent = new Date(Date.now() - DAY_MS);
    const expiredTrace = await traceAt(limited, old, "media-old");
    const freshTrace = await traceAt(limited, recent, "media-new");
    const [ofTrace, ofObservation, fresh, shared] = [randomBytes(512), randomBytes(512), randomBytes(512), randomBytes(512)];
    const expiredMedia = await uploaded(limited, ofTrace, { traceId: expiredTrace });
    const expiredObservationMedia = await uploaded(limited, ofObservation, { traceId: expiredTrace, observationId: `${expiredTrace}-span` });
    const freshMedia = await uploaded(limited, fresh, { traceId: freshTrace, observationId: `${freshTrace}-span` });
    // The same bytes, uploaded for the old trace then and for the recent one since.
    const sharedMedia = await uploaded(limited, shared, { traceId: expiredTrace });
    await backdate(limited, expiredMedia, expiredTrace, 30);
    await backdate(limited, expiredObservationMedia, expiredTrace, 30);
    await backdate(limited, sharedMedia, expiredTrace, 30);
    expect(await uploaded(limited, shared, { traceId: freshTrace })).toBe(sharedMedia);
    // Without retention, old media stays.
    const elsewhereTrace = await traceAt(unlimited, old, "media-old");
    const elsewhere = randomBytes(512);
    const elsewhereMedia = await uploaded(unlimited, elsewhere, { traceId: elsewhereTrace });
    await backdate(unlimited, elsewhereMedia, elsewhereTrace, 30);
    expect(await mediaState(limited, expiredMedia)).toEqual({ media: 1, traceLinks: 1, observationLinks: 0, file: true });
    expect(await mediaState(limited, expiredObservationMedia)).toEqual({ media: 1, traceLinks: 0, observationLinks: 1, file: true });

    await t.services.retention.sweep();

    const gone = { media: 0, traceLinks: 0, observationLinks: 0, file: false };
    expect(await mediaState(limited, expiredMedia)).toEqual(gone);
    expect(await mediaState(limited, expiredObservationMedia)).toEqual(gone);
    expect((await call(limited, `/media/${expiredMedia}`)).statusCode).toBe(404);
    expect(await mediaState(limited, freshMedia)).toEqual({ media: 1, traceLinks: 0, observationLinks: 1, file: true });
    await readsBack(limited, freshMedia, fresh);
    // The recent trace's link keeps the shared file; the old trace's link is gone.
    expect(await mediaState(limited, sharedMedia)).toEqual({ media: 1, traceLinks: 1, observationLinks: 0, file: true });
    await readsBack(limited, sharedMedia, shared);
    expect(await mediaState(unlimited, elsewhereMedia)).toEqual({ media: 1, traceLinks: 1, observationLinks: 0, file: true });
    await readsBack(unlimited, elsewhereMedia, elsewhere);
  });
});
