import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { jsonbColumn } from "./json-columns.ts";
import { projects } from "./schema.ts";

const createdAt = () => timestamp("created_at", { precision: 3, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { precision: 3, mode: "date" }).notNull().defaultNow();

/**
 * A project's dashboards. `definition` holds the grid's placements as the API shows them, and
 * `filters` the dashboard-wide filters; both are replaced whole on update. The reference also
 * keeps dashboards of its own (no project); Wick ships none.
 */
export const dashboards = pgTable(
  "dashboards",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    definition: jsonbColumn<{ widgets: unknown[] }>("definition").notNull(),
    filters: jsonbColumn<unknown[]>("filters").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("dashboards_project_id_updated_at_idx").on(t.projectId, t.updatedAt)],
);

/** A chart's query (view, dimensions, metrics, filters) and how it is drawn. */
export const dashboardWidgets = pgTable(
  "dashboard_widgets",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    view: text("view", { enum: ["TRACES", "OBSERVATIONS", "SCORES_NUMERIC", "SCORES_CATEGORICAL", "SCORES_BOOLEAN"] }).notNull(),
    dimensions: jsonbColumn<unknown[]>("dimensions").notNull(),
    metrics: jsonbColumn<unknown[]>("metrics").notNull(),
    filters: jsonbColumn<unknown[]>("filters").notNull(),
    chartType: text("chart_type").notNull(),
    chartConfig: jsonbColumn<Record<string, unknown>>("chart_config").notNull(),
    /** The metrics model a widget's query needs (1 or 2); derived, never sent by clients. */
    minVersion: integer("min_version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("dashboard_widgets_project_id_updated_at_idx").on(t.projectId, t.updatedAt)],
);

export type DashboardRow = typeof dashboards.$inferSelect;
export type DashboardWidgetRow = typeof dashboardWidgets.$inferSelect;
