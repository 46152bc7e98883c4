import type { ClickHouseClient } from "@clickhouse/client";
import { insertRows, selectRows } from "../query/statements.ts";
import { DATETIME64, instantFromText } from "../query/time.ts";
import { IN_PROJECT } from "../query/where.ts";
import type { DeleteReach, RowDeletes } from "../row-deletes.ts";
import type { MergeMeta } from "./rows.ts";

export type MergedTableName = "traces" | "observations" | "scores";

/** A condition with the values of its own placeholders. */
export interface BoundCondition {
  sql: string;
  params: Record<string, unknown>;
}

/** An entity's versions, current first; `updated_at` only orders versions folded from as many events. */
const NEWEST_FIRST = "merge_version DESC, updated_at DESC";

/** One entity of the project: `{id:String}`. */
const ONE_ENTITY = `${IN_PROJECT} AND id = {id:String}`;
/** The rows belonging to the traces `{traceIds:Array(String)}`, given the column naming a row's trace. */
const OF_TRACES = (traceColumn: string) => `${IN_PROJECT} AND ${traceColumn} IN {traceIds:Array(String)}`;

/** A version as the reads get it back, its counter maybe as text. */
type VersionOf = Pick<MergeMeta, "id"> & { merge_version: number | string };

/** An entity's highest merge_version, as `latestVersions` reads it. */
export interface LatestVersion {
  id: string;
  latest: number | string;
}

interface MergedTableSpec {
  name: MergedTableName;
  /** The time column of the sort key and of the monthly partitions. */
  time: "timestamp" | "start_time";
  /** The column naming the trace a row belongs to (a trace's own id for traces). */
  traceColumn: "id" | "trace_id";
  /** Whether the sort key orders rows of one instant by a hash of their trace. */
  traceHashInKey: boolean;
}

/**
 * A table of merged entities, one row per version. A version is folded from the events logged for
 * its entity so far and `merge_version` counts them; an entity's event set only grows, so the
 * version folded from the most events is its current row. ReplacingMergeTree(merge_version) keeps
 * only that one when parts merge; until then each read picks it in the form fastest for it, and
 * each form is written here:
 * - `final`: FINAL collapses versions while reading, so conditions see current rows only;
 * - `newestPerId`: sort and `LIMIT 1 BY id` over the few rows an indexed condition selects;
 * - `currentWhere`: the same for a condition that must hold on the current row;
 * - `keepNewest` and `newerOf`: a scan in key order without FINAL (which would cost it reading in
 *   order) drops superseded versions afterwards.
 * Every version of an entity has the same sort key (ingestion removes rows left under an earlier
 * one, `removeUnderOtherKeys`), so versions share a partition and sit side by side in key order.
 */
export class MergedTable {
  readonly name: MergedTableName;
  readonly time: MergedTableSpec["time"];
  /** The ORDER BY of the table after `project_id`. */
  readonly sortKey: readonly string[];
  private readonly traceColumn: MergedTableSpec["traceColumn"];
  private readonly traceInKey: boolean;

  constructor(spec: MergedTableSpec) {
    this.name = spec.name;
    this.time = spec.time;
    this.traceColumn = spec.traceColumn;
    this.traceInKey = spec.traceHashInKey;
    this.sortKey = [spec.time, ...(spec.traceHashInKey ? ["xxHash32(trace_id)"] : []), "id"];
  }

  /** Settings for statements that read FINAL: versions share a partition, so none is merged with another. */
  static readonly FINAL_SETTINGS = "do_not_merge_across_partitions_select_final = 1";

  /** The table as a FROM target of current rows only. */
  final(alias?: string): string {
    return `${this.name}${alias ? ` AS ${alias}` : ""} FINAL`;
  }

  /** The sort key in one direction, so a read in that order follows the table instead of sorting it. */
  keyOrder(direction: "ASC" | "DESC"): string {
    return this.sortKey.map((column) => `${column} ${direction}`).join(", ");
  }

  /** A SELECT of the current row of each entity some row of which matches `where`. */
  newestPerId(columns: string, where: string): string {
    return `SELECT ${columns} FROM ${this.name} WHERE ${where} ORDER BY ${NEWEST_FIRST} LIMIT 1 BY id`;
  }

  /** A SELECT of the current row of the entity `{id:String}`. */
  currentOne(): string {
    return this.newestPerId("*", ONE_ENTITY);
  }

  /**
   * A SELECT of the current rows of the project that satisfy `condition`, which is checked on the
   * current row: an entity updated away from a value no longer matches it. The entities some
   * version of which matches are found first, which is cheap where skip indexes narrow the condition.
   */
  currentWhere(condition: string): string {
    const candidates = `${IN_PROJECT} AND id IN (SELECT id FROM ${this.name} WHERE ${IN_PROJECT} AND ${condition})`;
    return `SELECT * FROM (${this.newestPerId("*", candidates)}) WHERE ${condition}`;
  }

  /** Of two versions of one entity, the current one (the first when neither is). */
  newerOf<Version extends VersionOf>(a: Version, b: Version): Version {
    return Number(b.merge_version) > Number(a.merge_version) ? b : a;
  }

  /**
   * Drops rows that are not their entity's current version: one scanned without FINAL may have been
   * superseded by a version that no longer matches the scan's conditions, until parts merge. The
   * lookup goes by sort key, so it costs a few granules whatever the table size.
   */
  async keepNewest<Version extends VersionOf>(client: ClickHouseClient, projectId: string, rows: Version[]): Promise<Version[]> {
    if (rows.length === 0) return rows;
    const latest = await selectRows<LatestVersion>(client, { name: `${this.name}.newest-versions`, ...this.latestVersions(projectId, rows) });
    return this.withoutSuperseded(rows, latest);
  }

  /**
   * The SELECT `keepNewest` reads, as `id` and `latest` (the highest merge_version) of each row's
   * entity, for a statement that reads it together with another (as a branch of a UNION ALL).
   */
  latestVersions(projectId: string, rows: readonly VersionOf[]): BoundCondition {
    const times = [...new Set(rows.map((row) => (row as unknown as Record<string, string>)[this.time]))];
    return {
      sql: `SELECT id, max(merge_version) AS latest FROM ${this.name}
            WHERE ${IN_PROJECT} AND ${this.time} IN {versionTimes:Array(${DATETIME64})} AND id IN {versionIds:Array(String)}
            GROUP BY id`,
      params: { projectId, versionTimes: times, versionIds: rows.map((row) => row.id) },
    };
  }

  /** The rows that are their entity's current version, given what `latestVersions` read for them. */
  withoutSuperseded<Version extends VersionOf>(rows: Version[], latestVersions: readonly LatestVersion[]): Version[] {
    const latest = new Map(latestVersions.map((row) => [row.id, Number(row.latest)]));
    return rows.filter((row) => Number(row.merge_version) >= (latest.get(row.id) ?? 0));
  }

  /** Rows as `JSONEachRow` objects (a column a row leaves out takes its default). */
  insert(client: ClickHouseClient, rows: readonly object[]): Promise<void> {
    return insertRows(client, `${this.name}.insert`, this.name, rows);
  }

  /**
   * Removes the versions of `row`'s entity filed under another sort key: the new row would never
   * replace them. The sort key's time (and an observation's trace) comes from an entity's first
   * event in fold order, which an event arriving late can change. The days those versions lie on
   * are read first: delete watchers are told only of them, and when there are none (the key did
   * not change) nothing is deleted.
   */
  async removeUnderOtherKeys(client: ClickHouseClient, deletes: RowDeletes, row: MergeMeta): Promise<void> {
    const fields = row as unknown as Record<string, unknown>;
    const sameTrace = this.traceInKey ? " AND trace_id = {traceId:String}" : "";
    const underOtherKeys = `${ONE_ENTITY} AND NOT (${this.time} = ${instantFromText("{time:String}")}${sameTrace})`;
    const params = { projectId: row.project_id, id: row.id, time: fields[this.time], traceId: fields.trace_id };
    const days = await this.daysWhere(client, "days-of-moved", underOtherKeys, params);
    if (days.length === 0) return;
    await deletes.delete(`${this.name}.remove-moved`, this.name, underOtherKeys, params, { days });
  }

  /**
   * A SELECT of the ids of the rows belonging to the traces `{traceIds:Array(String)}`; `within`,
   * a condition every such row meets, narrows the read.
   */
  idsOfTraces(within?: BoundCondition): string {
    return `SELECT id FROM ${this.name} WHERE ${OF_TRACES(this.traceColumn)}${within ? ` AND ${within.sql}` : ""}`;
  }

  /**
   * Deletes the rows belonging to these traces; `reach` tells delete watchers where they lie, when
   * known, and `within`, a condition every such row meets, narrows the statement's read.
   */
  deleteOfTraces(deletes: RowDeletes, projectId: string, traceIds: string[], reach: DeleteReach = {}, within?: BoundCondition): Promise<void> {
    const where = `${OF_TRACES(this.traceColumn)}${within ? ` AND ${within.sql}` : ""}`;
    return deletes.delete(`${this.name}.delete-of-traces`, this.name, where, { projectId, traceIds, ...within?.params }, reach);
  }

  /** The UTC days of the time column of the rows matching `where`, as the statement `<table>.<purpose>`. */
  private async daysWhere(client: ClickHouseClient, purpose: string, where: string, params: Record<string, unknown>): Promise<string[]> {
    const rows = await selectRows<{ day: string }>(client, {
      name: `${this.name}.${purpose}`,
      sql: `SELECT DISTINCT toString(toDate32(${this.time})) AS day FROM ${this.name} WHERE ${where}`,
      params,
    });
    return rows.map((row) => row.day);
  }

  /** Deletes every version of one entity. */
  deleteOne(deletes: RowDeletes, projectId: string, id: string): Promise<void> {
    return deletes.delete(`${this.name}.delete`, this.name, ONE_ENTITY, { projectId, id });
  }
}
