import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { datasetItemMedia, media, observationMedia, traceMedia, type Database, type MediaRow } from "@wick/postgres";

export type NewMedia = Pick<MediaRow, "id" | "projectId" | "sha256Hash" | "bucketPath" | "bucketName" | "contentType" | "contentLength">;

/** Where a media reference sits: a trace (and perhaps one observation) or a dataset item. */
export type MediaLink =
  | { kind: "trace"; traceId: string; observationId?: string; field: string }
  | { kind: "datasetItem"; datasetId: string; datasetItemId: string; field: string };

export async function findMediaByHash(db: Database, projectId: string, sha256Hash: string): Promise<MediaRow | undefined> {
  const [row] = await db
    .select()
    .from(media)
    .where(and(eq(media.projectId, projectId), eq(media.sha256Hash, sha256Hash)));
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
