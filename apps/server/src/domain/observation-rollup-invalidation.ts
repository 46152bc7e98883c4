import { type DeleteReach, type RowDeleteWatcher, utcDayOf } from "@wick/clickhouse";
import type { ObservationDayWatcher, ProjectDay } from "@wick/ingestion";
import type { ObservationRollupDayRepository } from "@wick/postgres";

/** The last UTC day a delete can remove rows of; undefined for any day. */
const lastDayOf = (reach: DeleteReach) => (reach.before ? utcDayOf(reach.before.getTime() - 1) : undefined);

/**
 * Keeps the observation day rollups honest: every write of observations marks the days it writes
 * to, and every delete of observations marks every day it can reach (a delete names rows by a
 * condition, not by day: all of the project's days unless it says where its rows lie), before the
 * statement and after it. `settleMs` is how long the first mark holds: the longest an insert or a
 * delete may take, so that a build that starts once it has passed sees the statement's effect.
 *
 * A delete may also name days it changes without removing rows there (`alsoDays`): those are
 * marked too.
 *
 * A trace delete reads the days of its observations first. Another instance may write an
 * observation of those traces in between: that writer marks its day, and only a build started
 * and accepted inside the gap between the read and the delete (milliseconds, against seconds for
 * a build) could count a row the delete then removes.
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
    return this.markReach(projectId, reach, this.settleMs);
  }

  deleted(projectId: string, reach: DeleteReach): Promise<void> {
    return this.markReach(projectId, reach, 0);
  }

  private async markReach(projectId: string, reach: DeleteReach, settleMs: number): Promise<void> {
    const days = reach.days?.map((day) => ({ projectId, day }));
    await (days ? this.days.markDays(days, settleMs) : this.days.markProject(projectId, settleMs, lastDayOf(reach)));
    const alsoDays = (reach.alsoDays ?? []).map((day) => ({ projectId, day }));
    if (alsoDays.length > 0) await this.days.markDays(alsoDays, settleMs);
  }
}
