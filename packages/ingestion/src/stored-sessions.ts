import type { SessionRow } from "@wick/clickhouse";

/** How many sessions are remembered; the least recently stored are forgotten first. */
const DEFAULT_CAPACITY = 100_000;

const keyOf = (projectId: string, id: string) => `${projectId}\u0000${id}`;

/**
 * The sessions this process has stored, with the earliest first-seen time it wrote for each. A
 * session row only ever changes to an earlier sighting (its version grows as `created_at` gets
 * earlier), so a trace that names a session already stored at the same time or earlier changes
 * nothing, and its row need not be written again. Most traces name a session seen before: skipping
 * them spares a round an insert (a new part in ClickHouse) whenever all its sessions are known.
 * Another instance's writes can only make the stored row earlier still, so skipping stays correct
 * when several instances share the store.
 */
export class StoredSessions {
  private readonly earliest = new Map<string, string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** One row per session, its earliest sighting in `rows`, for the sessions not already stored that early. */
  unstored(rows: SessionRow[]): SessionRow[] {
    const byKey = new Map<string, SessionRow>();
    for (const row of rows) {
      const key = keyOf(row.project_id, row.id);
      const stored = this.earliest.get(key);
      if (stored !== undefined && stored <= row.created_at) continue;
      const kept = byKey.get(key);
      if (!kept || row.created_at < kept.created_at) byKey.set(key, row);
    }
    return [...byKey.values()];
  }

  /** Records rows once they are written. */
  remember(rows: SessionRow[]): void {
    for (const row of rows) {
      const key = keyOf(row.project_id, row.id);
      this.earliest.delete(key);
      this.earliest.set(key, row.created_at);
      if (this.earliest.size > this.capacity) this.earliest.delete(this.earliest.keys().next().value!);
    }
  }

  /** Forgets sessions whose rows were deleted, so the next trace that names one writes it again. */
  forget(projectId: string, ids: string[]): void {
    for (const id of ids) this.earliest.delete(keyOf(projectId, id));
  }
}
