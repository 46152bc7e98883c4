import { index, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { projects, users } from "./schema.ts";

const createdAt = () => timestamp("created_at", { precision: 3, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { precision: 3, mode: "date" }).notNull().defaultNow();

/**
 * Work lists of objects for people to score. The score configs are ids only: configs are archived,
 * never deleted, so an id checked at creation keeps naming a config.
 */
export const annotationQueues = pgTable(
  "annotation_queues",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    scoreConfigIds: text("score_config_ids").array().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("annotation_queues_project_id_name_key").on(t.projectId, t.name), index("annotation_queues_project_id_created_at_idx").on(t.projectId, t.createdAt)],
);

/**
 * An object waiting in a queue. The trace, observation or session lives in ClickHouse and is not
 * checked, as upstream, so no foreign key; the same object may be queued any number of times.
 */
export const annotationQueueItems = pgTable(
  "annotation_queue_items",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    queueId: text("queue_id")
      .notNull()
      .references(() => annotationQueues.id, { onDelete: "cascade" }),
    objectId: text("object_id").notNull(),
    objectType: text("object_type", { enum: ["TRACE", "OBSERVATION", "SESSION"] }).notNull(),
    status: text("status", { enum: ["PENDING", "COMPLETED"] })
      .notNull()
      .default("PENDING"),
    completedAt: timestamp("completed_at", { precision: 3, mode: "date" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("annotation_queue_items_queue_id_created_at_idx").on(t.queueId, t.createdAt)],
);

/** Who works on a queue; at most one row per user and queue. */
export const annotationQueueAssignments = pgTable(
  "annotation_queue_assignments",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    queueId: text("queue_id")
      .notNull()
      .references(() => annotationQueues.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("annotation_queue_assignments_project_id_queue_id_user_id_key").on(t.projectId, t.queueId, t.userId)],
);

export type AnnotationQueueRow = typeof annotationQueues.$inferSelect;
export type AnnotationQueueItemRow = typeof annotationQueueItems.$inferSelect;
