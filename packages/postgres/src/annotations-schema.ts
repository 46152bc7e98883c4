import { boolean, doublePrecision, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { jsonbColumn } from "./json-columns.ts";
import { projects } from "./schema.ts";

const createdAt = () => timestamp("created_at", { precision: 3, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { precision: 3, mode: "date" }).notNull().defaultNow();

export interface ConfigCategoryValue {
  label: string;
  value: number;
}

/**
 * What a score must look like to reference the config. Names are not unique, as upstream; configs
 * are archived rather than deleted, so scores always find the config they were checked against.
 */
export const scoreConfigs = pgTable(
  "score_configs",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    dataType: text("data_type", { enum: ["NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT"] }).notNull(),
    isArchived: boolean("is_archived").notNull().default(false),
    minValue: doublePrecision("min_value"),
    maxValue: doublePrecision("max_value"),
    categories: jsonbColumn<ConfigCategoryValue[]>("categories"),
    description: text("description"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // Also serves the list order (newest first) within a project.
  (t) => [index("score_configs_project_id_created_at_idx").on(t.projectId, t.createdAt)],
);

/** A comment on a trace, observation, session or prompt version; the object lives elsewhere, so no foreign key. */
export const comments = pgTable(
  "comments",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    objectType: text("object_type", { enum: ["TRACE", "OBSERVATION", "SESSION", "PROMPT"] }).notNull(),
    objectId: text("object_id").notNull(),
    content: text("content").notNull(),
    /** Not a foreign key: Wick has no users, and upstream keeps no constraint either. */
    authorUserId: text("author_user_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("comments_project_id_object_type_object_id_idx").on(t.projectId, t.objectType, t.objectId)],
);

export type ScoreConfigRow = typeof scoreConfigs.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;
