import type { ClickHouseClient } from "@clickhouse/client";
import { insertRows, selectBytes, selectRows } from "../query/statements.ts";
import { IN_PROJECT } from "../query/where.ts";
import type { RowDeletes } from "../row-deletes.ts";

/** The kind of entity an event describes; ingestion's registry says which kinds there are. */
export type LoggedEntityKind = string;

/** An event as logged. */
export interface RawEventRow {
  project_id: string;
  entity_kind: LoggedEntityKind;
  entity_id: string;
  event_type: string;
  event_ts: string;
  received_at: string;
  /** The event's id and the write round that logged it; the log's own entries (`OBSERVATION_TRACE_KIND`, `SCORE_TRACE_KIND`) have neither. */
  event_id?: string;
  write_id?: string;
  /**
   * The body object itself: ClickHouse stores a JSON object given for a String column as its text
   * (`input_format_json_read_objects_as_strings`, on by default), which spares serialising each
   * body twice, once on its own and once escaped inside its row.
   */
  body?: unknown;
  /** Who sent the event; the log's own entries leave them to their defaults. */
  ingestion_public_key?: string;
  ingestion_sdk_name?: string;
  ingestion_sdk_version?: string;
}

/** A logged event as read back: its body as stored text, its arrival in epoch milliseconds. */
export interface LoggedEventRow extends Required<Omit<RawEventRow, "received_at" | "write_id" | "body">> {
  received_ms: number | string;
  body: string;
}

/**
 * Entities by their parts, each list matched on its own: a selection may take in entities made of
 * parts of different ones, which the caller drops.
 */
export interface EntitySelection {
  projects: string[];
  kinds: LoggedEntityKind[];
  ids: string[];
}

/** A logged entity's key in memory; `ENTITY_DIGEST` is the MD5 of the same text in ClickHouse. */
export const entityKey = (key: { projectId: string; kind: LoggedEntityKind; entityId: string }) => `${key.projectId}\u0000${key.kind}\u0000${key.entityId}`;
const ENTITY_DIGEST = "MD5(concat(project_id, '\\0', entity_kind, '\\0', entity_id))";

/**
 * The kind of the entries logged beside observation events: one per event, keyed by the trace the
 * event files its observation under (`entity_id`) at the start it gives it (`event_ts`). An
 * observation's trace and start come from one of its events, so these entries say where every
 * stored observation of a trace lies, and they are logged before any of its rows are written.
 */
export const OBSERVATION_TRACE_KIND = "observation-trace";
/** The same for score events that name a trace, at the score's timestamp. */
export const SCORE_TRACE_KIND = "score-trace";
/** The kinds of the log's own entries, which describe no entity. */
const ENTRY_KINDS = `('${OBSERVATION_TRACE_KIND}', '${SCORE_TRACE_KIND}')`;

const TABLE = "raw_events";

/** An entity's key as the log sorts it (after the project, by kind, then id). */
export interface LoggedKeyPosition {
  project_id: string;
  entity_kind: string;
  entity_id: string;
}

/**
 * The rows strictly after, or up to and including, a key position (bound as `after…` or `upTo…`),
 * written as comparisons of the sort key's columns one by one, by which ClickHouse narrows the
 * read to the range.
 */
const AFTER_KEY = `(project_id > {afterProject:String} OR (project_id = {afterProject:String} AND (entity_kind > {afterKind:String}
  OR (entity_kind = {afterKind:String} AND entity_id > {afterId:String}))))`;
const UP_TO_KEY = `(project_id < {upToProject:String} OR (project_id = {upToProject:String} AND (entity_kind < {upToKind:String}
  OR (entity_kind = {upToKind:String} AND entity_id <= {upToId:String}))))`;
const positionParams = (name: "after" | "upTo", position: LoggedKeyPosition | undefined) =>
  position ? { [`${name}Project`]: position.project_id, [`${name}Kind`]: position.entity_kind, [`${name}Id`]: position.entity_id } : {};

const SELECTED = "project_id IN {projects:Array(String)} AND entity_kind IN {kinds:Array(String)} AND entity_id IN {ids:Array(String)}";

/**
 * `raw_events` (0001_tracing.sql): every accepted ingestion event as normalised at
 * acknowledgement, the log each merged row is folded from. Sorted by (project_id, entity_kind,
 * entity_id, event_ts), partitioned by month of `received_at`; a plain MergeTree, never collapsed.
 */
export const rawEvents = {
  append: (client: ClickHouseClient, rows: readonly RawEventRow[]) => insertRows(client, "raw_events.append", TABLE, rows),

  /** Removes what the write round `writeId` logged for the selected entities. */
  removeRound: (deletes: RowDeletes, entities: EntitySelection, writeId: string) =>
    deletes.delete("raw_events.remove-round", TABLE, `${SELECTED} AND write_id = {writeId:String}`, { ...entities, writeId }),

  /** The selected entities' events in arrival order, except those the write round `excludeWriteId` logged. */
  eventsOf: (client: ClickHouseClient, entities: EntitySelection, excludeWriteId: string) =>
    selectRows<LoggedEventRow>(client, {
      name: "raw_events.of-entities",
      sql: `SELECT project_id, entity_kind, entity_id, event_id, event_type, event_ts,
                   toUnixTimestamp64Milli(received_at) AS received_ms, body,
                   ingestion_public_key, ingestion_sdk_name, ingestion_sdk_version
            FROM ${TABLE}
            WHERE ${SELECTED} AND write_id != {excludeWriteId:String}
            ORDER BY received_at`,
      params: { ...entities, excludeWriteId },
    }),

  /** Deletes the events of these entities of one project, by kind; a kind left out loses none. */
  deleteOfEntities: (deletes: RowDeletes, projectId: string, ids: Partial<Record<LoggedEntityKind, string[]>>) => {
    const kinds = Object.entries(ids).filter(([, entityIds]) => entityIds && entityIds.length > 0);
    if (kinds.length === 0) return Promise.resolve();
    const params: Record<string, unknown> = { projectId };
    const ofKind = kinds.map(([kind, entityIds], index) => {
      params[`kind${index}`] = kind;
      params[`ids${index}`] = entityIds;
      return `(entity_kind = {kind${index}:String} AND entity_id IN {ids${index}:Array(String)})`;
    });
    return deletes.delete("raw_events.delete-of-entities", TABLE, `${IN_PROJECT} AND (${ofKind.join(" OR ")})`, params);
  },

  /**
   * The partitions that hold events, leaving out the log's entries filing observations and scores
   * under traces: they name no entity.
   */
  entityPartitions: async (client: ClickHouseClient): Promise<string[]> => {
    const rows = await selectRows<{ partition_id: string }>(client, {
      name: "raw_events.entity-partitions",
      sql: `SELECT DISTINCT _partition_id AS partition_id FROM ${TABLE} WHERE entity_kind NOT IN ${ENTRY_KINDS} ORDER BY partition_id`,
    });
    return rows.map((row) => row.partition_id);
  },

  /**
   * Where a page of about `rows` events of the partition's entities ends, in the log's sort order,
   * the page starting after `after` (from the first event when undefined): the key of the event
   * past the first `rows` (the page takes every event of that key), or undefined when no more than
   * `rows` are left. The read follows the sort order and stops there.
   */
  entityPageEnd: async (client: ClickHouseClient, partition: string, rows: number, after?: LoggedKeyPosition): Promise<LoggedKeyPosition | undefined> => {
    const [end] = await selectRows<LoggedKeyPosition>(client, {
      name: "raw_events.entity-page-end",
      sql: `SELECT project_id, entity_kind, entity_id FROM ${TABLE}
            WHERE _partition_id = {partition:String} AND entity_kind NOT IN ${ENTRY_KINDS}${after ? ` AND ${AFTER_KEY}` : ""}
            ORDER BY project_id, entity_kind, entity_id LIMIT 1 OFFSET {offset:UInt64}`,
      params: { partition, offset: rows, ...positionParams("after", after) },
    });
    return end;
  },

  /**
   * The 16-byte digests of the entities logged in one partition, concatenated: those after `after`
   * up to `upTo` (both keys, in the log's sort order; open where undefined). The sort key narrows
   * the read to that range, so reading a partition page by page reads each event once.
   */
  entityDigests: (client: ClickHouseClient, partition: string, after?: LoggedKeyPosition, upTo?: LoggedKeyPosition) =>
    selectBytes(client, {
      name: "raw_events.entity-digests",
      sql: `SELECT DISTINCT ${ENTITY_DIGEST} FROM ${TABLE}
            WHERE _partition_id = {partition:String} AND entity_kind NOT IN ${ENTRY_KINDS}${after ? ` AND ${AFTER_KEY}` : ""}${upTo ? ` AND ${UP_TO_KEY}` : ""}
            FORMAT RowBinary`,
      params: { partition, ...positionParams("after", after), ...positionParams("upTo", upTo) },
    }),
};
