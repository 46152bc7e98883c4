import type { ClickHouseClient } from "@clickhouse/client";
import { entityKey, OBSERVATION_TRACE_KIND, rawEvents, SCORE_TRACE_KIND, type EntitySelection, type RawEventRow, type RowDeletes } from "@wick/clickhouse";
import { observationKind } from "./kinds/observation.ts";
import { scoreKind } from "./kinds/score.ts";
import type { EntityEvent, EntityKind, LoggedEvent } from "./events.ts";

export interface EntityKey {
  projectId: string;
  kind: EntityKind;
  entityId: string;
}

/** An entity's logged events and the attribution of the latest one. */
export interface LoggedEntity {
  events: LoggedEvent[];
  attribution: EntityEvent["attribution"];
}

const selectionOf = (keys: EntityKey[]): EntitySelection => ({
  projects: [...new Set(keys.map((k) => k.projectId))],
  kinds: [...new Set(keys.map((k) => k.kind))],
  ids: [...new Set(keys.map((k) => k.entityId))],
});

/**
 * The trace an event files its entity under and the time it gives it, where reads by trace look:
 * an observation's trace and start (normalization gives every observation event both), a score's
 * trace, when it names one, and timestamp. A fold takes each from one of the entity's events.
 */
function traceEntryOf(e: EntityEvent): { kind: string; traceId: string; at: string } | undefined {
  const body = e.event.body as { traceId?: unknown; startTime?: unknown };
  if (e.kind === observationKind.kind) return { kind: OBSERVATION_TRACE_KIND, traceId: body.traceId as string, at: body.startTime as string };
  if (e.kind === scoreKind.kind && typeof body.traceId === "string") return { kind: SCORE_TRACE_KIND, traceId: body.traceId, at: e.event.timestamp };
  return undefined;
}

/** The append-only log of accepted events in ClickHouse (`raw_events`). */
export class EventLog {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly rows: RowDeletes,
  ) {}

  /**
   * Logs the events, and with each observation or score event the entry filing its entity under
   * its trace, in one insert: the entries are stored before any row folded from the events is.
   */
  async append(events: EntityEvent[], receivedAt: Date, writeId: string): Promise<void> {
    const receivedAtText = receivedAt.toISOString();
    const rows: RawEventRow[] = [];
    for (const e of events) {
      rows.push({
        project_id: e.projectId,
        entity_kind: e.kind,
        entity_id: e.entityId,
        event_id: e.event.eventId,
        event_type: e.event.type,
        event_ts: e.event.timestamp,
        received_at: receivedAtText,
        write_id: writeId,
        body: e.event.body,
        ingestion_public_key: e.attribution.publicKey,
        ingestion_sdk_name: e.attribution.sdkName,
        ingestion_sdk_version: e.attribution.sdkVersion,
      });
      const entry = traceEntryOf(e);
      // No event id, write id or body: reads want only the trace and the day, and writing them cost
      // ingestion time on every observation.
      if (entry) rows.push({ project_id: e.projectId, entity_kind: entry.kind, entity_id: entry.traceId, event_type: entry.kind, event_ts: entry.at, received_at: receivedAtText });
    }
    await rawEvents.append(this.client, rows);
  }

  /** Removes what the write round `writeId` logged for these events' entities. */
  async remove(events: EntityEvent[], writeId: string): Promise<void> {
    await rawEvents.removeRound(this.rows, selectionOf(events), writeId);
  }

  /**
   * The logged events of the given entities, grouped by entity key, except those the write round
   * `excludeWriteId` stored (its caller has them in memory). One query whatever the count.
   */
  async eventsOf(keys: EntityKey[], excludeWriteId: string): Promise<Map<string, LoggedEntity>> {
    const wanted = new Set(keys.map(entityKey));
    const rows = await rawEvents.eventsOf(this.client, selectionOf(keys), excludeWriteId);
    const byEntity = new Map<string, LoggedEntity>();
    for (const row of rows) {
      const key = entityKey({ projectId: row.project_id, kind: row.entity_kind, entityId: row.entity_id });
      if (!wanted.has(key)) continue;
      const body = JSON.parse(row.body) as Record<string, unknown>;
      const attribution = { publicKey: row.ingestion_public_key, sdkName: row.ingestion_sdk_name, sdkVersion: row.ingestion_sdk_version };
      const event: LoggedEvent = {
        eventId: row.event_id,
        type: row.event_type,
        timestamp: `${row.event_ts.replace(" ", "T")}Z`,
        receivedAt: Number(row.received_ms),
        body,
        attribution,
      };
      const entry = byEntity.get(key);
      // Rows come in arrival order, so the attribution kept is the latest one.
      if (entry) {
        entry.events.push(event);
        entry.attribution = attribution;
      } else {
        byEntity.set(key, { events: [event], attribution });
      }
    }
    return byEntity;
  }
}
