import type { ClickHouseClient } from "@clickhouse/client";
import { experimentLinkEvents, observationTraceDays, rawEvents, selectRows, type BoundCondition, type RowDeletes } from "@wick/clickhouse";
import type { GroupCommitWriter } from "./group-commit.ts";
import { ENTITY_KINDS, type EntityKind } from "./kinds/registry.ts";
import { observationKind } from "./kinds/observation.ts";
import { scoreKind } from "./kinds/score.ts";
import { traceKind } from "./kinds/trace.ts";

const LINK_EVENTS = "link-events";

/**
 * Told which traces a delete removed, once their rows are gone, so that what hangs off them
 * elsewhere (media links in Postgres) goes too. A listener that fails fails the delete, which the
 * caller may repeat: deleting again is harmless.
 */
export interface TraceDeleteListener {
  tracesDeleted(projectId: string, traceIds: string[]): Promise<void>;
}

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
    private readonly listeners: TraceDeleteListener[] = [],
  ) {}

  /** Deletes traces with every entity that belongs to them. */
  async traces(projectId: string, traceIds: string[]): Promise<void> {
    if (traceIds.length === 0) return;
    await this.writer.exclusive(projectId, async () => {
      // Where the observations lie (a superset), so that the reads and deletes of observations
      // below cover only those days, and what summarizes observations by day forgets only them.
      const days = await observationTraceDays.daysOf(this.client, projectId, traceIds);
      const onDays = days.length > 0 ? observationTraceDays.onDays(days) : undefined;
      const { linkEvents, ...stored } = await this.rowsUnder(projectId, traceIds, onDays);
      // Queued together: embedded chDB runs one statement at a time, and statements sent one after
      // another each waited behind the other tenants' queries.
      await Promise.all([
        // A trace's events are deleted even where no trace row was folded from them yet.
        rawEvents.deleteOfEntities(this.rows, projectId, { ...stored, [traceKind.kind]: traceIds }),
        ...ENTITY_KINDS.map(
          ({ kind, table }) =>
            stored[kind].length > 0 &&
            (kind === observationKind.kind ? table.deleteOfTraces(this.rows, projectId, traceIds, { days }, onDays) : table.deleteOfTraces(this.rows, projectId, traceIds)),
        ),
        // The experiment events derived from the traces' run items; the run items stay, as upstream's do.
        linkEvents && experimentLinkEvents.deleteOfTraces(this.rows, projectId, traceIds),
      ]);
    });
    // After the rows, so a failure leaves links that only keep media, never a trace whose media is
    // gone; and outside the project's turn on the writer, whose rounds never touch what listeners do.
    for (const listener of this.listeners) await listener.tracesDeleted(projectId, traceIds);
  }

  /** Deletes one score of any link. */
  score(projectId: string, scoreId: string): Promise<void> {
    return this.writer.exclusive(projectId, async () => {
      await Promise.all([rawEvents.deleteOfEntities(this.rows, projectId, { [scoreKind.kind]: [scoreId] }), scoreKind.table.deleteOne(this.rows, projectId, scoreId)]);
    });
  }

  /**
   * The ids of the rows these traces have in each table, in one query: a table without matching
   * rows is not asked to delete any. Observations are looked for on `onDays` only, and not at
   * all without them: the traces then have none.
   */
  private async rowsUnder(projectId: string, traceIds: string[], onDays: BoundCondition | undefined): Promise<Record<EntityKind, string[]> & { linkEvents: boolean }> {
    const kinds = ENTITY_KINDS.filter(({ kind }) => kind !== observationKind.kind || onDays);
    const rows = await selectRows<{ kind: EntityKind | typeof LINK_EVENTS; id: string }>(this.client, {
      name: "tracing.rows-of-traces",
      sql: [
        ...kinds.map(({ kind, table }, index) => `SELECT {kind${index}:String} AS kind, id FROM (${table.idsOfTraces(kind === observationKind.kind ? onDays : undefined)})`),
        `SELECT '${LINK_EVENTS}' AS kind, id FROM ${experimentLinkEvents.name} WHERE project_id = {projectId:String} AND trace_id IN {traceIds:Array(String)}`,
      ].join(" UNION DISTINCT "),
      params: { projectId, traceIds, ...onDays?.params, ...Object.fromEntries(kinds.map(({ kind }, index) => [`kind${index}`, kind])) },
    });
    const stored = Object.fromEntries(ENTITY_KINDS.map(({ kind }) => [kind, [] as string[]])) as Record<EntityKind, string[]>;
    let linkEvents = false;
    for (const row of rows) {
      if (row.kind === LINK_EVENTS) linkEvents = true;
      else stored[row.kind].push(row.id);
    }
    return { ...stored, linkEvents };
  }
}
