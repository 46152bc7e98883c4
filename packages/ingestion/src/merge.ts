import { randomUUID } from "node:crypto";
import type { ClickHouseClient } from "@clickhouse/client";
import { entityKey, EventLog, type EntityKey } from "./event-log.ts";
import type { EntityEvent, LoggedEvent } from "./events.ts";
import { foldObservation, type FoldedObservation } from "./fold/observation.ts";
import { foldOrder } from "./fold/order.ts";
import { foldScore } from "./fold/score.ts";
import { foldTrace } from "./fold/trace.ts";
import type { ObservationRow, ScoreRow, TraceRow } from "./rows.ts";

/**
 * Fills in what an observation costs and which prompt it used (model prices and prompts live in
 * Postgres); applied to the folded rows before they are written.
 */
export interface ObservationEnricher {
  enrich(observations: FoldedObservation[]): Promise<void>;
}

const TIME_KEY = {
  trace: { table: "traces", column: "timestamp" },
  observation: { table: "observations", column: "start_time" },
  score: { table: "scores", column: "timestamp" },
} as const;

const day = (iso: string) => iso.slice(0, 10);

/**
 * Recomputes every entity a batch touched from its whole logged event set and writes the merged
 * rows: one read and at most three inserts, however many entities.
 */
export class EntityMerger {
  private readonly log: EventLog;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly enricher?: ObservationEnricher,
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
    const moved: Array<{ key: EntityKey; day: string }> = [];
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
      if (this.timeKeyMayHaveMoved(events, receivedAt.getTime())) {
        moved.push({ key, day: day((row as unknown as Record<string, string>)[TIME_KEY[key.kind].column]!) });
      }
    }

    await this.enricher?.enrich(observations);
    await this.removeRowsOnOtherDays(moved);
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
   * The day in the sort key comes from the first event in fold order. It changes only when an
   * event from this batch now sorts before events stored earlier.
   */
  private timeKeyMayHaveMoved(events: LoggedEvent[], receivedAt: number): boolean {
    const ordered = foldOrder(events);
    return ordered.length > 1 && ordered[0]!.receivedAt === receivedAt && ordered.some((event) => event.receivedAt !== receivedAt);
  }

  /** Rows of an earlier version that sit under another day of the sort key would never be replaced: remove them. */
  private async removeRowsOnOtherDays(moved: Array<{ key: EntityKey; day: string }>): Promise<void> {
    for (const { key, day: keep } of moved) {
      const { table, column } = TIME_KEY[key.kind];
      await this.client.command({
        query: `DELETE FROM ${table} WHERE project_id = {projectId:String} AND id = {id:String} AND toDate(${column}) != {day:Date}`,
        query_params: { projectId: key.projectId, id: key.entityId, day: keep },
      });
    }
  }

  private async insert(table: string, rows: object[]): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({ table, values: rows, format: "JSONEachRow" });
  }
}
