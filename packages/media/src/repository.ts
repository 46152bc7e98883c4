import { randomUUID } from "node:crypto";
import { and, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { datasetItemMedia, media, observationMedia, traceMedia, type Database, type MediaRow } from "@wick/postgres";

export type NewMedia = Pick<MediaRow, "id" | "projectId" | "sha256Hash" | "bucketPath" | "bucketName" | "contentType" | "contentLength">;

/** Where a media reference sits: a trace (and perhaps one observation) or a dataset item. */
export type MediaLink =
  | { kind: "trace"; traceId: string; observationId?: string; field: string }
  | { kind: "datasetItem"; datasetId: string; datasetItemId: string; field: string };

/**
 * In a transaction, `share` keeps the row from being removed as unreferenced until the link made
 * beside it is committed (see `lockUnreferencedMedia`).
 */
export async function findMediaByHash(db: Database, projectId: string, sha256Hash: string, lock?: "share"): Promise<MediaRow | undefined> {
  const query = db
    .select()
    .from(media)
    .where(and(eq(media.projectId, projectId), eq(media.sha256Hash, sha256Hash)));
  const [row] = await (lock === undefined ? query : query.for(lock));
  return row;
}

export async function findMedia(db: Database, projectId: string, id: string): Promise<MediaRow | undefined> {
  const [row] = await db
    .select()
    .from(media)
    .where(and(eq(media.projectId, projectId), eq(media.id, id)));
  return row;
}

/**
 * Creates the row, or points the existing one at this upload (type, length, object) and forgets
 * the last upload report, since the bytes it reported on may not be the ones now announced.
 */
export async function upsertMedia(db: Database, row: NewMedia): Promise<void> {
  const now = new Date();
  await db
    .insert(media)
    .values({ ...row, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [media.projectId, media.id],
      set: {
        bucketPath: row.bucketPath,
        bucketName: row.bucketName,
        contentType: row.contentType,
        contentLength: row.contentLength,
        uploadedAt: null,
        uploadHttpStatus: null,
        uploadHttpError: null,
        updatedAt: now,
      },
    });
}

/** Records where a reference to the media sits; recording the same place twice is one row. */
export async function linkMedia(db: Database, projectId: string, mediaId: string, link: MediaLink): Promise<void> {
  const common = { id: randomUUID(), projectId, mediaId, field: link.field };
  if (link.kind === "datasetItem") {
    // Pending until the item version that holds the reference is written.
    await db
      .insert(datasetItemMedia)
      .values({ ...common, datasetId: link.datasetId, datasetItemId: link.datasetItemId })
      .onConflictDoNothing();
  } else if (link.observationId !== undefined) {
    await db
      .insert(observationMedia)
      .values({ ...common, traceId: link.traceId, observationId: link.observationId })
      .onConflictDoNothing();
  } else {
    await db
      .insert(traceMedia)
      .values({ ...common, traceId: link.traceId })
      .onConflictDoNothing();
  }
}

export interface UploadReport {
  uploadedAt: Date;
  uploadHttpStatus: number;
  uploadHttpError: string | null;
}

/** Stores the client's report of its upload; false when the project has no such media. */
export async function recordUpload(db: Database, projectId: string, id: string, report: UploadReport): Promise<boolean> {
  const updated = await db
    .update(media)
    .set({ ...report, updatedAt: sql`now()` })
    .where(and(eq(media.projectId, projectId), eq(media.id, id)))
    .returning({ id: media.id });
  return updated.length > 0;
}

/** Removes the links of these traces and their observations; returns the media they pointed at, each once. */
export async function removeTraceLinks(db: Database, projectId: string, traceIds: string[]): Promise<string[]> {
  const traces = await db
    .delete(traceMedia)
    .where(and(eq(traceMedia.projectId, projectId), inArray(traceMedia.traceId, traceIds)))
    .returning({ mediaId: traceMedia.mediaId });
  const observations = await db
    .delete(observationMedia)
    .where(and(eq(observationMedia.projectId, projectId), inArray(observationMedia.traceId, traceIds)))
    .returning({ mediaId: observationMedia.mediaId });
  return [...new Set([...traces, ...observations].map((row) => row.mediaId))];
}

/** The media these traces and their observations link to, each once. */
export async function mediaOfTraces(db: Database, projectId: string, traceIds: string[]): Promise<string[]> {
  const rows = await db
    .select({ mediaId: traceMedia.mediaId })
    .from(traceMedia)
    .where(and(eq(traceMedia.projectId, projectId), inArray(traceMedia.traceId, traceIds)))
    .union(
      db
        .select({ mediaId: observationMedia.mediaId })
        .from(observationMedia)
        .where(and(eq(observationMedia.projectId, projectId), inArray(observationMedia.traceId, traceIds))),
    );
  return rows.map((row) => row.mediaId);
}

const linked = (table: typeof traceMedia | typeof observationMedia | typeof datasetItemMedia) =>
  sql`exists (select 1 from ${table} where ${table.projectId} = ${media.projectId} and ${table.mediaId} = ${media.id})`;

/**
 * Locks these media rows against new links until the transaction ends, in id order so that two
 * removals never wait on each other. A link made concurrently either committed before the lock or
 * waits for the transaction, and then finds the row gone if it was removed.
 */
export async function lockMedia(db: Database, projectId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .select({ id: media.id })
    .from(media)
    .where(and(eq(media.projectId, projectId), inArray(media.id, ids)))
    .orderBy(media.id)
    .for("update");
}

/** Those of these media that no trace, observation or dataset item (pending or not) links to. */
export async function unreferencedMedia(db: Database, projectId: string, ids: string[]): Promise<Array<Pick<MediaRow, "id" | "bucketPath">>> {
  if (ids.length === 0) return [];
  return db
    .select({ id: media.id, bucketPath: media.bucketPath })
    .from(media)
    .where(and(eq(media.projectId, projectId), inArray(media.id, ids), sql`not ${linked(traceMedia)}`, sql`not ${linked(observationMedia)}`, sql`not ${linked(datasetItemMedia)}`));
}

export async function deleteMediaRows(db: Database, projectId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.delete(media).where(and(eq(media.projectId, projectId), inArray(media.id, ids)));
}

/** A page of a project's stored objects, by media id after `afterId`. */
export async function mediaObjectsOfProject(db: Database, projectId: string, afterId: string, limit: number): Promise<Array<Pick<MediaRow, "id" | "bucketPath">>> {
  return db
    .select({ id: media.id, bucketPath: media.bucketPath })
    .from(media)
    .where(and(eq(media.projectId, projectId), gt(media.id, afterId)))
    .orderBy(media.id)
    .limit(limit);
}

const linkedBefore = (table: typeof traceMedia | typeof observationMedia, cutoff: Date) =>
  sql`exists (select 1 from ${table} where ${table.projectId} = ${media.projectId} and ${table.mediaId} = ${media.id} and ${lt(table.createdAt, cutoff)})`;

/**
 * A page, by id after `afterId`, of the media created before `cutoff` that a trace or an
 * observation linked before it: what retention may remove.
 */
export async function mediaLinkedBefore(db: Database, projectId: string, cutoff: Date, afterId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: media.id })
    .from(media)
    .where(
      and(
        eq(media.projectId, projectId),
        gt(media.id, afterId),
        lt(media.createdAt, cutoff),
        sql`(${linkedBefore(traceMedia, cutoff)} or ${linkedBefore(observationMedia, cutoff)})`,
      ),
    )
    .orderBy(media.id)
    .limit(limit);
  return rows.map((row) => row.id);
}

/** Removes the trace and observation links to these media made before `cutoff`. */
export async function removeLinksBefore(db: Database, projectId: string, mediaIds: string[], cutoff: Date): Promise<void> {
  if (mediaIds.length === 0) return;
  for (const table of [traceMedia, observationMedia]) {
    await db.delete(table).where(and(eq(table.projectId, projectId), inArray(table.mediaId, mediaIds), lt(table.createdAt, cutoff)));
  }
}
