import { randomUUID } from "node:crypto";
import type { ClickHouseClient } from "@clickhouse/client";
import {
  entityKey,
  type MergeMeta,
  missingScoreTraces,
  type ObservationRow,
  observationTraceDays,
  type RowDeletes,
  type ScoreRow,
  type SessionRow,
  sessions,
  utcDayOf,
} from "@wick/clickhouse";
import { EventLog, type EntityKey, type LoggedEntity } from "./event-log.ts";
import type { EntityEvent, LoggedEvent } from "./events.ts";
import type { FoldedObservation } from "./fold/observation.ts";
import { foldOrder } from "./fold/order.ts";
import type { EntityHistory } from "./history/entity-history.ts";
import { observationKind } from "./kinds/observation.ts";
import { scoreKind } from "./kinds/score.ts";
import { traceKind } from "./kinds/trace.ts";
import { definitionOf, ENTITY_KINDS, type EntityKind } from "./kinds/registry.ts";
import { withoutDefaults } from "./row-encoding.ts";
import { fitCostsToStorage } from "./storage-limits.ts";
import { StoredSessions } from "./stored-sessions.ts";

/**
 * Fills in what an observation costs and which prompt it used (model prices and prompts live in
 * Postgres); applied to the folded rows before they are written.
 */
export interface ObservationEnricher {
  enrich(observations: FoldedObservation[]): Promise<void>;
}

/**
 * Told which traces a round wrote (its trace rows and the traces of its observation rows), once
 * their rows are stored, so that tables derived from them follow.
 */
export interface TraceWriteListener {
  tracesWritten(projectId: string, traceIds: string[]): Promise<void>;
}

/** A project's UTC day, `YYYY-MM-DD`. */
export interface ProjectDay {
  projectId: string;
  day: string;
}

/**
 * Told the days a round may change observations on, before its insert and again once it is stored
 * and before it is acknowledged: the days it writes observations to (by start time), and the days
 * of the stored observations of the traces it writes, which read their trace's attributes.
 * Whatever summarizes stored days learns which of its summaries a write may have changed, even one
 * that dies half-way.
 */
export interface ObservationDayWatcher {
  writing(days: ProjectDay[]): Promise<void>;
  written(days: ProjectDay[]): Promise<void>;
}

/** The rows a round folded, ready to be written. */
interface MergedRound {
  rows: Map<EntityKind, MergeMeta[]>;
  sessions: SessionRow[];
  /** Entities whose sort key this round changed: their rows filed under the old key must go. */
  moved: Array<{ key: EntityKey; row: MergeMeta }>;
}

/** The distinct (project, UTC day of start) of observation rows; start times are ISO texts in UTC. */
function observationDays(rows: readonly ObservationRow[]): ProjectDay[] {
  const days = new Map<string, ProjectDay>();
  for (const row of rows) {
    const day = utcDayOf(row.start_time);
    days.set(`${row.project_id}\u0000${day}`, { projectId: row.project_id, day });
  }
  return [...days.values()];
}

/**
 * Recomputes every entity a round touched from its whole logged event set and writes the merged
 * rows: one log append, a read only for entities that may have logged events, one insert per table.
 */
export class EntityMerger {
  private readonly log: EventLog;
  private readonly storedSessions = new StoredSessions();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly history: EntityHistory,
    private readonly rows: RowDeletes,
    private readonly enrichers: ObservationEnricher[] = [],
    private readonly listeners: TraceWriteListener[] = [],
    private readonly dayWatchers: ObservationDayWatcher[] = [],
  ) {
    this.log = new EventLog(client, rows);
  }

  /** Sessions of a project whose rows were deleted: the next trace naming one writes its row again. */
  sessionsDeleted(projectId: string, ids: string[]): void {
    this.storedSessions.forget(projectId, ids);
  }

  /**
   * On failure the round's logged events are removed again, so that an event the client was told
   * failed never reappears when a later round folds its entity. The log write itself may have
   * stored part of the round before failing, hence the removal whatever failed. When the store
   * cannot be reached the removal fails too, and the round's own error is the one to report.
   */
  async appendAndMerge(batch: EntityEvent[]): Promise<void> {
    const writeId = randomUUID();
    try {
      await this.write(await this.appendAndFold(batch, writeId));
    } catch (error) {
      await this.log.remove(batch, writeId).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Logs the round's events and folds each touched entity from its complete event set. Entities
   * no other round has logged events for are folded from memory while the log write runs; the
   * others once it is done and their logged events are read.
   */
  private async appendAndFold(batch: EntityEvent[], writeId: string): Promise<MergedRound> {
    const receivedAt = new Date();
    const keys = new Map<string, EntityKey>();
    const own = new Map<string, LoggedEntity>();
    for (const e of batch) {
      const id = entityKey(e);
      keys.set(id, { projectId: e.projectId, kind: e.kind, entityId: e.entityId });
      const event = { ...e.event, receivedAt: receivedAt.getTime(), attribution: e.attribution };
      const entry = own.get(id);
      if (entry) {
        entry.events.push(event);
        entry.attribution = e.attribution;
      } else {
        own.set(id, { events: [event], attribution: e.attribution });
      }
    }
    // The log write comes first and the read of other rounds' events after it: of two rounds that
    // touch one entity concurrently, the later reader is then sure to see the other's events.
    const { withHistory, appended } = await this.history.appendRound([...keys.values()], () => this.log.append(batch, receivedAt, writeId));
    // Awaited below; this keeps a fold error thrown first from leaving its failure unobserved.
    appended.catch(() => undefined);

    const round: MergedRound = { rows: new Map(ENTITY_KINDS.map(({ kind }) => [kind, []])), sessions: [], moved: [] };
    const historic = new Set(withHistory.map(entityKey));
    await this.fold(
      round,
      [...keys].filter(([id]) => !historic.has(id)),
      own,
      receivedAt.getTime(),
    );
    await appended;
    if (withHistory.length > 0) {
      const logged = await this.log.eventsOf(withHistory, writeId);
      for (const [id, { events, attribution }] of own) {
        if (!historic.has(id)) continue;
        const entry = logged.get(id);
        if (entry) {
          entry.events.push(...events);
          entry.attribution = attribution;
        } else {
          logged.set(id, { events, attribution });
        }
      }
      await this.fold(
        round,
        [...keys].filter(([id]) => historic.has(id)),
        logged,
        receivedAt.getTime(),
      );
    }
    return round;
  }

  /** Folds the given entities from their event sets into the round's rows, with costs filled in. */
  private async fold(round: MergedRound, entities: Array<[string, EntityKey]>, eventSets: Map<string, LoggedEntity>, receivedAt: number): Promise<void> {
    const observations: FoldedObservation[] = [];
    for (const [id, key] of entities) {
      const { events, attribution } = eventSets.get(id)!;
      const definition = definitionOf(key.kind);
      const folded = definition.fold(key.projectId, key.entityId, events, attribution);
      round.rows.get(key.kind)!.push(folded.row);
      const session = definition.sessionOf?.(folded.row);
      if (session) round.sessions.push(session);
      if (key.kind === observationKind.kind) observations.push(folded as FoldedObservation);
      if (this.sortKeyMayHaveMoved(events, receivedAt)) round.moved.push({ key, row: folded.row });
    }
    // Model prices and prompts live in Postgres: observations are priced and linked once folded.
    for (const enricher of this.enrichers) await enricher.enrich(observations);
    for (const { row } of observations) fitCostsToStorage(row);
  }

  private async write(round: MergedRound): Promise<void> {
    const days = this.dayWatchers.length > 0 ? await this.daysChanging(round) : [];
    for (const watcher of this.dayWatchers) await watcher.writing(days);
    await this.noteMissingTraces(round);
    await this.removeRowsUnderOtherKeys(round.moved);
    const unstored = this.storedSessions.unstored(round.sessions);
    await Promise.all([...ENTITY_KINDS.map(({ kind, table }) => table.insert(this.client, round.rows.get(kind)!.map(withoutDefaults))), sessions.insert(this.client, unstored)]);
    this.storedSessions.remember(unstored);
    for (const watcher of this.dayWatchers) await watcher.written(days);
    if (this.listeners.length > 0) await this.tellListeners(round);
  }

  /**
   * The days the round's observation rows lie on, and those of the observations already logged
   * under the traces it writes (found by their log entries, whose read follows the round's own
   * log write). An observation logged by another round after that read marks its own day.
   */
  private async daysChanging(round: MergedRound): Promise<ProjectDay[]> {
    const days = observationDays(round.rows.get(observationKind.kind) as ObservationRow[]);
    const tracesByProject = new Map<string, string[]>();
    for (const row of round.rows.get(traceKind.kind)!) {
      const traceIds = tracesByProject.get(row.project_id) ?? [];
      traceIds.push(row.id);
      tracesByProject.set(row.project_id, traceIds);
    }
    for (const [projectId, traceIds] of tracesByProject) {
      for (const day of await observationTraceDays.daysOf(this.client, projectId, traceIds)) days.push({ projectId, day });
    }
    return [...new Map(days.map((day) => [`${day.projectId}\u0000${day.day}`, day])).values()];
  }

  /**
   * Notes the traces the round's scores name that are neither stored nor written by the round
   * (`missingScoreTraces`), before any of its rows: the score lists leave out scores whose trace
   * is missing, and look among the noted traces only. A trace the round moves to another sort key
   * is written by the round, so the removal of its old row below cannot hide it from the check.
   */
  private async noteMissingTraces(round: MergedRound): Promise<void> {
    const named = new Map<string, Set<string>>();
    for (const row of round.rows.get(scoreKind.kind) as ScoreRow[]) {
      if (row.trace_id === null) continue;
      const traceIds = named.get(row.project_id) ?? new Set<string>();
      traceIds.add(row.trace_id);
      named.set(row.project_id, traceIds);
    }
    for (const row of round.rows.get(traceKind.kind)!) named.get(row.project_id)?.delete(row.id);
    for (const [projectId, traceIds] of named) await missingScoreTraces.noteAbsent(this.client, projectId, [...traceIds]);
  }

  private async tellListeners(round: MergedRound): Promise<void> {
    const written = new Map<string, Set<string>>();
    const add = (projectId: string, traceId: string) => {
      const traces = written.get(projectId) ?? new Set<string>();
      traces.add(traceId);
      written.set(projectId, traces);
    };
    for (const row of round.rows.get(traceKind.kind)!) add(row.project_id, row.id);
    for (const row of round.rows.get(observationKind.kind)!) add(row.project_id, (row as ObservationRow).trace_id);
    for (const [projectId, traces] of written) {
      for (const listener of this.listeners) await listener.tracesWritten(projectId, [...traces]);
    }
  }

  /**
   * The sort key's time (and an observation's trace) comes from the first event in fold order. It
   * changes only when an event from this round now sorts before events stored earlier.
   */
  private sortKeyMayHaveMoved(events: LoggedEvent[], receivedAt: number): boolean {
    if (events.length < 2) return false;
    const ordered = foldOrder(events);
    return ordered.length > 1 && ordered[0]!.receivedAt === receivedAt && ordered.some((event) => event.receivedAt !== receivedAt);
  }

  private async removeRowsUnderOtherKeys(moved: MergedRound["moved"]): Promise<void> {
    for (const { key, row } of moved) await definitionOf(key.kind).table.removeUnderOtherKeys(this.client, this.rows, row);
  }
}
