import { sql } from "drizzle-orm";
import { bigint, boolean, foreignKey, index, pgTable, primaryKey, text, timestamp, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { jsonbColumn, jsonColumn } from "./json-columns.ts";
import { projects } from "./schema.ts";

const instant = (name: string) => timestamp(name, { precision: 3, mode: "date" });

/**
 * A named collection of items to evaluate against. Keyed by id and project, as upstream, so that
 * runs and media links (per item version) can reference a dataset within its project.
 */
export const datasets = pgTable(
  "datasets",
  {
    id: text("id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    metadata: jsonbColumn("metadata"),
    // `json`, not `jsonb`: a schema comes back with its keys in the order it was written.
    inputSchema: jsonColumn("input_schema"),
    expectedOutputSchema: jsonColumn("expected_output_schema"),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "datasets_pkey", columns: [t.id, t.projectId] }),
    unique("datasets_project_id_name_key").on(t.projectId, t.name),
    index("datasets_project_id_created_at_idx").on(t.projectId, t.createdAt),
  ],
);

export const datasetItemStatuses = ["ACTIVE", "ARCHIVED"] as const;

/**
 * Every version of every dataset item. A write closes the open row of its id (`valid_to`) and adds
 * the next one; a delete adds a marker row. The open, unmarked rows are the current items, and the
 * rows whose `[valid_from, valid_to)` holds an instant are the items as of that instant.
 */
export const datasetItems = pgTable(
  "dataset_items",
  {
    id: text("id").notNull(),
    projectId: text("project_id").notNull(),
    datasetId: text("dataset_id").notNull(),
    status: text("status", { enum: datasetItemStatuses }).notNull().default("ACTIVE"),
    input: jsonbColumn("input"),
    expectedOutput: jsonbColumn("expected_output"),
    metadata: jsonbColumn("metadata"),
    /** Free text: the trace and observation are not required to exist. */
    sourceTraceId: text("source_trace_id"),
    sourceObservationId: text("source_observation_id"),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
    validFrom: instant("valid_from").notNull(),
    validTo: instant("valid_to"),
    isDeleted: boolean("is_deleted").notNull().default(false),
  },
  (t) => [
    primaryKey({ name: "dataset_items_pkey", columns: [t.projectId, t.id, t.validFrom] }),
    foreignKey({ name: "dataset_items_dataset_fk", columns: [t.datasetId, t.projectId], foreignColumns: [datasets.id, datasets.projectId] }).onDelete("cascade"),
    // One open row per id and project: ids are unique across the project's datasets.
    uniqueIndex("dataset_items_open_id_idx").on(t.projectId, t.id).where(sql`${t.validTo} is null`),
    // The current list of a dataset in its order, without the rows it never shows.
    index("dataset_items_current_idx")
      .on(t.projectId, t.datasetId, t.validFrom.desc(), t.id)
      .where(sql`${t.validTo} is null and ${t.isDeleted} = false and ${t.status} = 'ACTIVE'`),
    index("dataset_items_history_idx").on(t.projectId, t.datasetId, t.validFrom),
    index("dataset_items_source_trace_idx").on(t.projectId, t.sourceTraceId).where(sql`${t.sourceTraceId} is not null`),
    index("dataset_items_source_observation_idx").on(t.projectId, t.sourceObservationId).where(sql`${t.sourceObservationId} is not null`),
  ],
);

/**
 * A counter per project that every item write increments in its transaction, last. What a list
 * read learned about a project's items (counts, where pages start) holds while it is unchanged,
 * in every Wick instance sharing the database.
 */
export const datasetItemWriteGenerations = pgTable("dataset_item_write_generations", {
  projectId: text("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  generation: bigint("generation", { mode: "number" }).notNull().default(0),
});

/**
 * A named run of an application over a dataset; its run items live in ClickHouse next to the
 * traces they point to. Created by the first run item that names it, never updated.
 */
export const datasetRuns = pgTable(
  "dataset_runs",
  {
    /** Derived from the project, dataset and name (see the datasets package), so every first use agrees on it. */
    id: text("id").notNull(),
    projectId: text("project_id").notNull(),
    datasetId: text("dataset_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    metadata: jsonbColumn("metadata"),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "dataset_runs_pkey", columns: [t.id, t.projectId] }),
    unique("dataset_runs_dataset_id_project_id_name_key").on(t.datasetId, t.projectId, t.name),
    foreignKey({ name: "dataset_runs_dataset_fk", columns: [t.datasetId, t.projectId], foreignColumns: [datasets.id, datasets.projectId] }).onDelete("cascade"),
    // A dataset's runs in list order.
    index("dataset_runs_list_idx").on(t.projectId, t.datasetId, t.createdAt.desc(), t.id),
  ],
);

export type DatasetRow = typeof datasets.$inferSelect;
export type DatasetItemRow = typeof datasetItems.$inferSelect;
export type DatasetRunRow = typeof datasetRuns.$inferSelect;
