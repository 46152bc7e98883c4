import type { RowDeleteWatcher } from "@wick/clickhouse";
import type { ObservationDayWatcher, ProjectDay } from "@wick/ingestion";
import type { ObservationRollupDayRepository } from "@wick/postgres";

/**
 * Keeps the observation day rollups honest: every write of observations marks the days it writes
 * to, and every delete of observations marks the whole project (a delete names rows by a condition,
 * not by day), before the statement and after it. `settleMs` is how long the first mark holds: the
 * longest an insert may take and still be seen by a build that starts once it has passed.
 */
export class ObservationRollupInvalidation implements ObservationDayWatcher, RowDeleteWatcher {
  readonly table = "observations";

  constructor(
    private readonly days: ObservationRollupDayRepository,
    private readonly settleMs: number,
  ) {}

  writing(days: ProjectDay[]): Promise<void> {
    return this.days.markDays(days, this.settleMs);
  }

  written(days: ProjectDay[]): Promise<void> {
    return this.days.markDays(days, 0);
  }

  deleting(projectId: string): Promise<void> {
    return this.days.markProject(projectId, this.settleMs);
  }

  deleted(projectId: string): Promise<void> {
    return this.days.markProject(projectId, 0);
  }
}
