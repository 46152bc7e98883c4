import type { ClickHouseClient } from "@clickhouse/client";
import { observations, rawEvents, scores, selectRows, traces, type RowDeletes } from "@wick/clickhouse";
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
      const stored = await this.rowsUnder(projectId, traceIds);
      // Queued together: embedded chDB runs one statement at a time, and statements sent one after
      // another each waited behind the other tenants' queries.
      await Promise.all([
        rawEvents.deleteOfEntities(this.rows, projectId, { ...stored, trace: traceIds }),
        stored.trace.length > 0 && traces.deleteOfTraces(this.rows, projectId, traceIds),
        stored.observation.length > 0 && observations.deleteOfTraces(this.rows, projectId, traceIds),
        stored.score.length > 0 && scores.deleteOfTraces(this.rows, projectId, traceIds),
      ]);
    });
  }

  /** Deletes one score of any link. */
  score(projectId: string, scoreId: string): Promise<void> {
    return this.writer.exclusive(projectId, async () => {
      await Promise.all([rawEvents.deleteOfEntities(this.rows, projectId, { trace: [], observation: [], score: [scoreId] }), scores.deleteOne(this.rows, projectId, scoreId)]);
    });
  }

  /**
   * The ids of the rows these traces have in each table, in one query: a table without matching
   * rows is not asked to delete any.
   */
  private async rowsUnder(projectId: string, traceIds: string[]): Promise<{ trace: string[]; observation: string[]; score: string[] }> {
    const tables = { trace: traces, observation: observations, score: scores };
    const rows = await selectRows<{ kind: keyof typeof tables; id: string }>(this.client, {
      name: "tracing.rows-of-traces",
      sql: Object.entries(tables)
        .map(([kind, table]) => `SELECT '${kind}' AS kind, id FROM (${table.idsOfTraces()})`)
        .join(" UNION DISTINCT "),
      params: { projectId, traceIds },
    });
    const idsOf = (kind: keyof typeof tables) => rows.filter((row) => row.kind === kind).map((row) => row.id);
    return { trace: idsOf("trace"), observation: idsOf("observation"), score: idsOf("score") };
  }
}
