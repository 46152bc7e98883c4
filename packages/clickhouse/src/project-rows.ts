import type { DeletableTable, RowDeletes } from "./row-deletes.ts";

/**
 * Every table that holds rows of a project, all keyed by `project_id`. A test holds this list to
 * the schema, so a table added later cannot be left out of project deletion.
 */
export const PROJECT_TABLES: readonly DeletableTable[] = ["raw_events", "traces", "observations", "scores", "sessions", "dataset_run_items", "experiment_link_events"];

/** Deletes every row of the project, in every table; repeating it is harmless. */
export async function deleteProjectRows(rows: RowDeletes, projectId: string): Promise<void> {
  // Queued together: embedded chDB runs one statement at a time, and each would otherwise wait behind other tenants' queries.
  await Promise.all(PROJECT_TABLES.map((table) => rows.delete(`${table}.delete-of-project`, table, "project_id = {projectId:String}", { projectId })));
}
