import { sql } from "drizzle-orm";
import { bigint, check, index, integer, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { jsonbColumn, jsonColumn } from "./json-columns.ts";
import { projects } from "./schema.ts";

const createdAt = () => timestamp("created_at", { precision: 3, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { precision: 3, mode: "date" }).notNull().defaultNow();

/** One version of a prompt; a prompt is every row sharing a project and a name. */
export const prompts = pgTable(
  "prompts",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    type: text("type", { enum: ["text", "chat"] })
      .notNull()
      .default("text"),
    /** A JSON string for text prompts, an array of messages for chat prompts. */
    prompt: jsonbColumn("prompt").notNull(),
    // `json`, not `jsonb`: clients get their config back with its keys in the order they sent.
    config: jsonColumn("config").notNull().default({}),
    /** Application code keeps each label on at most one version of a name. */
    labels: text("labels").array().notNull().default(sql`'{}'::text[]`),
    /** The same set on every version of a name. */
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    commitMessage: text("commit_message"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Also the index of every by-name lookup: versions, highest version, label holders.
    unique("prompts_project_id_name_version_key").on(t.projectId, t.name, t.version),
    index("prompts_labels_idx").using("gin", t.labels),
    index("prompts_tags_idx").using("gin", t.tags),
    index("prompts_project_id_updated_at_idx").on(t.projectId, t.updatedAt),
  ],
);

/**
 * The composition tags of each version (`@@@langfusePrompt:name=…|version=…@@@`), kept so a delete
 * can tell which other prompts it would break without parsing every prompt of the project.
 */
export const promptDependencies = pgTable(
  "prompt_dependencies",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    parentId: text("parent_id")
      .notNull()
      .references(() => prompts.id, { onDelete: "cascade" }),
    /** A name, not a row: label references follow the label wherever it moves. */
    childName: text("child_name").notNull(),
    childLabel: text("child_label"),
    childVersion: integer("child_version"),
    createdAt: createdAt(),
  },
  (t) => [
    index("prompt_dependencies_project_id_parent_id_idx").on(t.projectId, t.parentId),
    index("prompt_dependencies_project_id_child_name_idx").on(t.projectId, t.childName),
    check("prompt_dependencies_one_target", sql`(${t.childLabel} is null) <> (${t.childVersion} is null)`),
  ],
);

export type PromptRow = typeof prompts.$inferSelect;
export type PromptDependencyRow = typeof promptDependencies.$inferSelect;

/**
 * A counter per project that every prompt write increments in its transaction. Cached resolutions
 * are keyed by it, so every Wick instance sharing the database stops serving what a write changed.
 */
export const promptWriteGenerations = pgTable("prompt_write_generations", {
  projectId: text("project_id")
    .primaryKey()
    .references(() => projects.id, { onDelete: "cascade" }),
  generation: bigint("generation", { mode: "number" }).notNull().default(0),
});
