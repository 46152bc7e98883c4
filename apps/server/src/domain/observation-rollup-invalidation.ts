import type { DeleteReach, RowDeleteWatcher } from "@wick/clickhouse";
import type { ObservationDayWatcher, ProjectDay } from "@wick/ingestion";
import type { ObservationRollupDayRepository } from "@wick/postgres";

/** The last UTC day a delete can remove rows of; undefined for any day. */
const lastDayOf = (reach: DeleteReach) => (reach.before ? new Date(reach.before.getTime() - 1).toISOString().slice(0, 10) : undefined);

/**
 * Keeps the observation day rollups honest: every write of observations marks the days it writes
 * to, and every delete of observations marks every day it can reach (a delete names rows by a
 * condition, not by day: all of the project's days unless it is bounded in time), before the
 * statement and after it. `settleMs` is how long the first mark holds: the
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

  deleting(projectId: string, reach: DeleteReach): Promise<void> {
    return this.days.markProject(projectId, this.settleMs, lastDayOf(reach));
  }

  deleted(projectId: string, reach: DeleteReach): Promise<void> {
    return this.days.markProject(projectId, 0, lastDayOf(reach));
  }
}
