import type { ClickHouseClient } from "@clickhouse/client";
import { rawEvents, selectRows, type RowDeletes } from "@wick/clickhouse";
import type { GroupCommitWriter } from "./group-commit.ts";
import { ENTITY_KINDS, type EntityKind } from "./kinds/registry.ts";
import { scoreKind } from "./kinds/score.ts";
import { traceKind } from "./kinds/trace.ts";

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

  /** Deletes traces with every entity that belongs to them. */
  traces(projectId: string, traceIds: string[]): Promise<void> {
    if (traceIds.length === 0) return Promise.resolve();
    return this.writer.exclusive(projectId, async () => {
      const stored = await this.rowsUnder(projectId, traceIds);
      // Queued together: embedded chDB runs one statement at a time, and statements sent one after
      // another each waited behind the other tenants' queries.
      await Promise.all([
        // A trace's events are deleted even where no trace row was folded from them yet.
        rawEvents.deleteOfEntities(this.rows, projectId, { ...stored, [traceKind.kind]: traceIds }),
        ...ENTITY_KINDS.map(({ kind, table }) => stored[kind].length > 0 && table.deleteOfTraces(this.rows, projectId, traceIds)),
      ]);
    });
  }

  /** Deletes one score of any link. */
  score(projectId: string, scoreId: string): Promise<void> {
    return this.writer.exclusive(projectId, async () => {
      await Promise.all([rawEvents.deleteOfEntities(this.rows, projectId, { [scoreKind.kind]: [scoreId] }), scoreKind.table.deleteOne(this.rows, projectId, scoreId)]);
    });
  }

  /**
   * The ids of the rows these traces have in each table, in one query: a table without matching
   * rows is not asked to delete any.
   */
  private async rowsUnder(projectId: string, traceIds: string[]): Promise<Record<EntityKind, string[]>> {
    const rows = await selectRows<{ kind: EntityKind; id: string }>(this.client, {
      name: "tracing.rows-of-traces",
      sql: ENTITY_KINDS.map(({ table }, index) => `SELECT {kind${index}:String} AS kind, id FROM (${table.idsOfTraces()})`).join(" UNION DISTINCT "),
      params: { projectId, traceIds, ...Object.fromEntries(ENTITY_KINDS.map(({ kind }, index) => [`kind${index}`, kind])) },
    });
    const stored = Object.fromEntries(ENTITY_KINDS.map(({ kind }) => [kind, [] as string[]])) as Record<EntityKind, string[]>;
    for (const row of rows) stored[row.kind].push(row.id);
    return stored;
  }
}
