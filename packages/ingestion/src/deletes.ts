import type { ClickHouseClient } from "@clickhouse/client";
import { selectRows, type RowDeletes } from "@wick/clickhouse";
import type { GroupCommitWriter } from "./group-commit.ts";

/**
 * Deletes of tracing entities, with their logged events so that no later fold brings them back.
 * Each runs on the writer apart from its project's rounds (other projects' rounds go on): a round
 * that read an entity's events before the delete cannot write it back after, and a delete takes
 * effect after every write of the project queued before it.
 * Deleted rows are gone from every read when the returned promise resolves.
 */
export class TracingDeletes {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly writer: GroupCommitWriter,
    private readonly rows: RowDeletes,
  ) {}

  /** Deletes traces with their observations and scores. */
  traces(projectId: string, traceIds: string[]): Promise<void> {
    if (traceIds.length === 0) return Promise.resolve();
    return this.writer.exclusive(projectId, async () => {
      const { stored, observationIds, scoreIds } = await this.rowsUnder(projectId, traceIds);
      const params = { projectId, traceIds, observationIds, scoreIds };
      // Queued together: embedded chDB runs one statement at a time, and statements sent one after
      // another each waited behind the other tenants' queries.
      await Promise.all([
        this.rows.delete(
          "raw_events.delete-of-traces",
          "raw_events",
          `project_id = {projectId:String} AND (
             (entity_kind = 'trace' AND entity_id IN {traceIds:Array(String)})
             OR (entity_kind = 'observation' AND entity_id IN {observationIds:Array(String)})
             OR (entity_kind = 'score' AND entity_id IN {scoreIds:Array(String)}))`,
          params,
        ),
        stored.length > 0 && this.rows.delete("traces.delete", "traces", "project_id = {projectId:String} AND id IN {traceIds:Array(String)}", params),
        observationIds.length > 0 && this.rows.delete("observations.delete-of-traces", "observations", "project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}", params),
        scoreIds.length > 0 && this.rows.delete("scores.delete-of-traces", "scores", "project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}", params),
      ]);
    });
  }

  /** Deletes one score of any link. */
  score(projectId: string, scoreId: string): Promise<void> {
    return this.writer.exclusive(projectId, async () => {
      const params = { projectId, scoreId };
      await Promise.all([
        this.rows.delete("raw_events.delete-score", "raw_events", "project_id = {projectId:String} AND entity_kind = 'score' AND entity_id = {scoreId:String}", params),
        this.rows.delete("scores.delete", "scores", "project_id = {projectId:String} AND id = {scoreId:String}", params),
      ]);
    });
  }

  /**
   * Which of these traces have rows, and the ids of their observations and scores, in one query:
   * a table without matching rows is not asked to delete any.
   */
  private async rowsUnder(projectId: string, traceIds: string[]): Promise<{ stored: string[]; observationIds: string[]; scoreIds: string[] }> {
    const rows = await selectRows<{ kind: "trace" | "observation" | "score"; id: string }>(this.client, {
      name: "tracing.rows-of-traces",
      sql: `SELECT 'trace' AS kind, id FROM traces WHERE project_id = {projectId:String} AND id IN {traceIds:Array(String)}
              UNION DISTINCT
              SELECT 'observation' AS kind, id FROM observations WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}
              UNION DISTINCT
              SELECT 'score' AS kind, id FROM scores WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}`,
      params: { projectId, traceIds },
    });
    return {
      stored: rows.filter((row) => row.kind === "trace").map((row) => row.id),
      observationIds: rows.filter((row) => row.kind === "observation").map((row) => row.id),
      scoreIds: rows.filter((row) => row.kind === "score").map((row) => row.id),
    };
  }
}
