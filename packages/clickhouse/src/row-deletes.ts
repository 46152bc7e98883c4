import type { ClickHouseClient } from "@clickhouse/client";
import { runCommand } from "./query/statements.ts";
import type { MergedTableName } from "./tables/merged-table.ts";

/** The tables rows are deleted from; each keeps block numbers for patch parts (migrations 0006, 0007, 0009, 0010, 0011). */
export type DeletableTable =
  | "raw_events"
  | "sessions"
  | "dataset_run_items"
  | "experiment_link_events"
  | "observation_day_rollups"
  | "observation_user_day_rollups"
  | "observation_trace_days"
  | "missing_score_traces"
  | MergedTableName;

/** What a delete can reach, when it is narrower than the whole project. */
export interface DeleteReach {
  /** Every row the delete can remove has its time (the table's time column) before this instant. */
  before?: Date;
  /**
   * Every row the delete can remove has its time on one of these UTC days (`YYYY-MM-DD`), as read
   * just before it; rows written meanwhile are the writers' to report.
   */
  days?: readonly string[];
  /**
   * Days (`YYYY-MM-DD`) on which rows the delete leaves may read differently once it is done: the
   * observations whose trace an observations delete comes with (retention removes traces and
   * observations by their own times, so an observation may outlive its trace).
   */
  alsoDays?: readonly string[];
}

/**
 * Told of each delete from `table` in a project, before it is sent and once it is done: whatever
 * summarizes the table's rows learns that a summary of the project (within `reach`) may be wrong
 * from then on.
 */
export interface RowDeleteWatcher {
  readonly table: DeletableTable;
  deleting(projectId: string, reach: DeleteReach): Promise<void>;
  deleted(projectId: string, reach: DeleteReach): Promise<void>;
}

export interface RowDeletesOptions {
  /** Watchers of deletes; every delete of a watched table must bind `projectId`. */
  watchers?: RowDeleteWatcher[];
  /** How long a table must go without deletes before its patches are applied to its parts. */
  applyPatchesAfterMs?: number;
  log?: { warn(message: string): void };
}

/**
 * Deletes written as patch parts: a lightweight delete in `lightweight_update` mode writes the
 * deleted rows' `_row_exists = 0` as a small part of its own, as cheap as an insert (8–20 ms on
 * embedded chDB), and every read from then on applies it. A delete in the default mode instead
 * rewrites each part it touches before returning (0.7–0.9 s), and embedded chDB runs one query at a
 * time, so every tenant's writes and reads waited for it.
 *
 * Until the patches are materialised in the parts they mark, reads pay for applying them (a
 * newest-first page took 3× as long with a few pending). Merges apply them too, but old large parts
 * rarely merge; so once a table has gone `applyPatchesAfterMs` without deletes, its patches are
 * applied in the background (`APPLY PATCHES`, a mutation that does not hold the query slot). The
 * deleted rows leave the disk when their parts next merge.
 */
export class RowDeletes {
  private readonly pending = new Map<DeletableTable, NodeJS.Timeout>();
  private readonly applyAfterMs: number;
  private warned = false;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly options: RowDeletesOptions = {},
  ) {
    this.applyAfterMs = options.applyPatchesAfterMs ?? 5_000;
  }

  /**
   * Deletes the rows of `table` that match `where` (a condition over bound `params`), as the
   * statement `name`; visible to the next read. `reach` narrows what watchers are told may change.
   */
  async delete(name: string, table: DeletableTable, where: string, params: Record<string, unknown>, reach: DeleteReach = {}): Promise<void> {
    const watchers = (this.options.watchers ?? []).filter((watcher) => watcher.table === table);
    const { projectId } = params;
    if (watchers.length > 0 && typeof projectId !== "string") throw new Error(`${name}: a delete from ${table} must bind projectId, which its watchers are told`);
    for (const watcher of watchers) await watcher.deleting(projectId as string, reach);
    await runCommand(this.client, {
      name,
      sql: `DELETE FROM ${table} WHERE ${where}`,
      params,
      settings: { lightweight_delete_mode: "lightweight_update" },
    });
    for (const watcher of watchers) await watcher.deleted(projectId as string, reach);
    this.scheduleApply(table);
  }

  /** Applies what is pending now and stops scheduling. */
  async close(): Promise<void> {
    const tables = [...this.pending.keys()];
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await Promise.all(tables.map((table) => this.applyPatches(table)));
  }

  private scheduleApply(table: DeletableTable): void {
    clearTimeout(this.pending.get(table));
    const timer = setTimeout(() => {
      this.pending.delete(table);
      void this.applyPatches(table);
    }, this.applyAfterMs);
    timer.unref();
    this.pending.set(table, timer);
  }

  private async applyPatches(table: DeletableTable): Promise<void> {
    try {
      await runCommand(this.client, { name: `${table}.apply-patches`, sql: `ALTER TABLE ${table} APPLY PATCHES`, settings: { mutations_sync: "0" } });
    } catch (error) {
      // Not fatal: merges apply patches too (and a server without APPLY PATCHES has only them).
      if (this.warned) return;
      this.warned = true;
      this.options.log?.warn(`Deleted rows stay masked until merges apply them: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
