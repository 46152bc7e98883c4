import { sql } from "drizzle-orm";
import { bigint, char, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { projects } from "./schema.ts";

const instant = (name: string) => timestamp(name, { precision: 3, mode: "date" });

/**
 * One uploaded (or announced) file per project and content: the id derives from the SHA-256, so
 * the same bytes uploaded twice in a project are one row and one object.
 */
export const media = pgTable(
  "media",
  {
    id: text("id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** Base64 of the raw SHA-256 digest: always 44 characters. */
    sha256Hash: char("sha_256_hash", { length: 44 }).notNull(),
    /** Set from the client's report of its upload (`PATCH`), null until then. */
    uploadedAt: instant("uploaded_at"),
    uploadHttpStatus: integer("upload_http_status"),
    uploadHttpError: text("upload_http_error"),
    bucketPath: text("bucket_path").notNull(),
    bucketName: text("bucket_name").notNull(),
    contentType: text("content_type").notNull(),
    contentLength: bigint("content_length", { mode: "number" }).notNull(),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "media_pkey", columns: [t.projectId, t.id] }), unique("media_project_id_sha_256_hash_key").on(t.projectId, t.sha256Hash)],
);

/** Which trace field holds a reference to which media. */
export const traceMedia = pgTable(
  "trace_media",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    traceId: text("trace_id").notNull(),
    mediaId: text("media_id").notNull(),
    field: text("field").notNull(),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("trace_media_project_id_trace_id_media_id_field_key").on(t.projectId, t.traceId, t.mediaId, t.field),
    index("trace_media_project_id_media_id_idx").on(t.projectId, t.mediaId),
    foreignKey({ name: "trace_media_media_fk", columns: [t.projectId, t.mediaId], foreignColumns: [media.projectId, media.id] }).onDelete("cascade"),
  ],
);

/** Which observation field holds a reference to which media. */
export const observationMedia = pgTable(
  "observation_media",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    traceId: text("trace_id").notNull(),
    observationId: text("observation_id").notNull(),
    mediaId: text("media_id").notNull(),
    field: text("field").notNull(),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("observation_media_project_id_trace_id_observation_id_media_id_field_key").on(t.projectId, t.traceId, t.observationId, t.mediaId, t.field),
    index("observation_media_project_id_media_id_idx").on(t.projectId, t.mediaId),
    foreignKey({ name: "observation_media_media_fk", columns: [t.projectId, t.mediaId], foreignColumns: [media.projectId, media.id] }).onDelete("cascade"),
  ],
);

/**
 * Media of dataset items. A row is pending (no item version, path or reference string) when an
 * upload declares it for an item that may not exist yet; otherwise it is one reference string in
 * one item version. A string may hold several references, so the reference string is part of a
 * version row's key beside its path.
 */
export const datasetItemMedia = pgTable(
  "dataset_item_media",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    mediaId: text("media_id").notNull(),
    datasetId: text("dataset_id").notNull(),
    datasetItemId: text("dataset_item_id").notNull(),
    datasetItemValidFrom: instant("dataset_item_valid_from"),
    field: text("field").notNull(),
    jsonPath: text("json_path"),
    referenceString: text("reference_string"),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("dataset_item_media_version_reference_key").on(t.projectId, t.datasetItemId, t.datasetItemValidFrom, t.field, t.jsonPath, t.referenceString),
    uniqueIndex("dataset_item_media_pending_key").on(t.projectId, t.datasetItemId, t.field, t.mediaId).where(sql`${t.datasetItemValidFrom} is null`),
    index("dataset_item_media_project_id_media_id_idx").on(t.projectId, t.mediaId),
    index("dataset_item_media_project_id_dataset_id_idx").on(t.projectId, t.datasetId),
    foreignKey({ name: "dataset_item_media_media_fk", columns: [t.projectId, t.mediaId], foreignColumns: [media.projectId, media.id] }).onDelete("cascade"),
  ],
);

export type MediaRow = typeof media.$inferSelect;
