import { sql } from "drizzle-orm";
import { boolean, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { projects } from "./schema.ts";

const instant = (name: string) => timestamp(name, { precision: 3, mode: "date" });

/**
 * A project's scheduled export to a bucket of its own: at most one per project, so the project id
 * is the key and also the integration's id in the API. The export runner keeps the schedule
 * columns (`next_sync_at` … `last_failure_notification_sent_at`) up to date.
 */
export const blobStorageIntegrations = pgTable("blob_storage_integrations", {
  projectId: text("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  type: text("type", { enum: ["S3", "S3_COMPATIBLE", "AZURE_BLOB_STORAGE"] }).notNull(),
  bucketName: text("bucket_name").notNull(),
  prefix: text("prefix").notNull().default(""),
  /** Null when the host's own credentials are used (AWS S3 only). */
  accessKeyId: text("access_key_id"),
  /** Sealed by @wick/secrets (`v1:…`), never the secret itself. */
  secretAccessKey: text("secret_access_key"),
  region: text("region").notNull(),
  endpoint: text("endpoint"),
  forcePathStyle: boolean("force_path_style").notNull(),
  nextSyncAt: instant("next_sync_at"),
  lastSyncAt: instant("last_sync_at"),
  enabled: boolean("enabled").notNull(),
  exportFrequency: text("export_frequency", { enum: ["every_20_minutes", "hourly", "daily", "weekly"] }).notNull(),
  fileType: text("file_type", { enum: ["JSON", "CSV", "JSONL", "PARQUET"] })
    .notNull()
    .default("CSV"),
  exportMode: text("export_mode", { enum: ["FULL_HISTORY", "FROM_TODAY", "FROM_CUSTOM_DATE"] })
    .notNull()
    .default("FULL_HISTORY"),
  exportStartDate: instant("export_start_date"),
  exportSource: text("export_source", { enum: ["LEGACY_TRACES_OBSERVATIONS", "OBSERVATIONS_V2", "LEGACY_TRACES_AND_ENRICHED_OBSERVATIONS"] }).notNull(),
  exportFieldGroups: text("export_field_groups")
    .array()
    .notNull()
    .default(sql`array['core','basic','time','io','metadata','model','usage','prompt','metrics','tools','trace_context']::text[]`),
  compressed: boolean("compressed").notNull().default(true),
  /** When the export in progress started; null when none runs. */
  runStartedAt: instant("run_started_at"),
  lastError: text("last_error"),
  lastErrorAt: instant("last_error_at"),
  lastFailureNotificationSentAt: instant("last_failure_notification_sent_at"),
  createdAt: instant("created_at").notNull().defaultNow(),
  updatedAt: instant("updated_at").notNull().defaultNow(),
});

export type BlobStorageIntegrationRow = typeof blobStorageIntegrations.$inferSelect;
