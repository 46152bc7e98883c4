import { randomUUID } from "node:crypto";
import type { ClickHouseClient } from "@clickhouse/client";
import { entityKey, EventLog, type EntityKey } from "./event-log.ts";
import type { EntityEvent, LoggedEvent } from "./events.ts";
import { foldObservation, type FoldedObservation } from "./fold/observation.ts";
import { foldOrder } from "./fold/order.ts";
import { foldScore } from "./fold/score.ts";
import { foldTrace } from "./fold/trace.ts";
import type { ObservationRow, ScoreRow, TraceRow } from "@wick/clickhouse";
import { fitCostsToStorage } from "./storage-limits.ts";

/**
 * Fills in what an observation costs and which prompt it used (model prices and prompts live in
 * Postgres); applied to the folded rows before they are written.
 */
export interface ObservationEnricher {
  enrich(observations: FoldedObservation[]): Promise<void>;
}

/** The columns besides project and id in each table's sort key: fixed by an entity's first event. */
const SORT_KEY = {
  trace: { table: "traces", time: "timestamp", traceId: false },
  observation: { table: "observations", time: "start_time", traceId: true },
  score: { table: "scores", time: "timestamp", traceId: false },
} as const;

/**
 * Recomputes every entity a batch touched from its whole logged event set and writes the merged
 * rows: one read and at most three inserts, however many entities.
 */
export class EntityMerger {
  private readonly log: EventLog;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly enrichers: ObservationEnricher[] = [],
  ) {
    this.log = new EventLog(client);
  }

  async appendAndMerge(batch: EntityEvent[]): Promise<void> {
    const receivedAt = new Date();
    const writeId = randomUUID();
    // The log write comes first and the read of other rounds' events after it: of two rounds that
    // touch one entity concurrently, the later reader is then sure to see the other's events.
    await this.log.append(batch, receivedAt, writeId);

    const keys = new Map<string, EntityKey>();
    for (const e of batch) keys.set(entityKey(e), { projectId: e.projectId, kind: e.kind, entityId: e.entityId });
    const logged = await this.log.eventsOf([...keys.values()], writeId);
    for (const e of batch) {
      const key = entityKey(e);
      const own = { ...e.event, receivedAt: receivedAt.getTime() };
      const entry = logged.get(key);
      if (entry) {
        entry.events.push(own);
        entry.attribution = e.attribution;
      } else {
        logged.set(key, { events: [own], attribution: e.attribution });
      }
    }

    const traces: TraceRow[] = [];
    const observations: FoldedObservation[] = [];
    const scores: ScoreRow[] = [];
    const moved: Array<{ key: EntityKey; row: Record<string, unknown> }> = [];
    for (const [id, key] of keys) {
      const { events, attribution } = logged.get(id)!;
      const folded =
        key.kind === "trace"
          ? foldTrace(key.projectId, key.entityId, events)
          : key.kind === "observation"
            ? foldObservation(key.projectId, key.entityId, events)
            : foldScore(key.projectId, key.entityId, events, attribution);
      const row = "row" in folded ? folded.row : folded;
      if (key.kind === "trace") traces.push(row as TraceRow);
      else if (key.kind === "observation") observations.push(folded as FoldedObservation);
      else scores.push(row as ScoreRow);
      if (this.sortKeyMayHaveMoved(events, receivedAt.getTime())) moved.push({ key, row: row as unknown as Record<string, unknown> });
    }

    for (const enricher of this.enrichers) await enricher.enrich(observations);
    for (const { row } of observations) fitCostsToStorage(row);
    await this.removeRowsUnderOtherKeys(moved);
    const sessions = traces
      .filter((trace) => trace.session_id)
      .map((trace) => ({ project_id: trace.project_id, id: trace.session_id, created_at: trace.created_at, environment: trace.environment }));
    await Promise.all([
      this.insert("traces", traces),
      this.insert("sessions", sessions),
      this.insert(
        "observations",
        observations.map((o) => o.row),
      ),
      this.insert("scores", scores),
    ]);
  }

  /**
   * The sort key's time (and an observation's trace) comes from the first event in fold order. It
   * changes only when an event from this round now sorts before events stored earlier.
   */
  private sortKeyMayHaveMoved(events: LoggedEvent[], receivedAt: number): boolean {
    const ordered = foldOrder(events);
    return ordered.length > 1 && ordered[0]!.receivedAt === receivedAt && ordered.some((event) => event.receivedAt !== receivedAt);
  }

  /** Earlier versions filed under another sort key would never be replaced by the new row: remove them. */
  private async removeRowsUnderOtherKeys(moved: Array<{ key: EntityKey; row: Record<string, unknown> }>): Promise<void> {
    for (const { key, row } of moved) {
      const { table, time, traceId } = SORT_KEY[key.kind];
      const sameTrace = traceId ? " AND trace_id = {traceId:String}" : "";
      await this.client.command({
        query: `DELETE FROM ${table} WHERE project_id = {projectId:String} AND id = {id:String}
                AND NOT (${time} = parseDateTime64BestEffort({time:String}, 3, 'UTC')${sameTrace})`,
        query_params: { projectId: key.projectId, id: key.entityId, time: row[time], traceId: row.trace_id },
      });
    }
  }

  private async insert(table: string, rows: object[]): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({ table, values: rows, format: "JSONEachRow" });
  }
}
