import type { ClickHouseClient } from "@clickhouse/client";
import { observationDayRollups, type RolledUpDay, type RowDeletes } from "@wick/clickhouse";

/** What a reader may do with one day's rollup (see ObservationRollupDayRepository in @wick/postgres). */
export interface RollupDayState {
  cleanBuild?: number;
  settled: boolean;
}

/** The validity records of the day rollups, kept where every instance sees them (Postgres). */
export interface RollupDayRecords {
  states(projectId: string, days: readonly string[]): Promise<Map<string, RollupDayState>>;
  cleanDays(projectId: string, firstDay?: string, lastDay?: string): Promise<RolledUpDay[]>;
  startBuild(): Promise<{ id: number; builtFrom: string }>;
  accept(projectId: string, days: readonly string[], build: { id: number; builtFrom: string }): Promise<string[]>;
}

/**
 * Longer than any metrics statement may run (`max_execution_time`): a reader that picked a build
 * just before a newer one replaced it still finds its rows.
 */
const SUPERSEDED_KEPT_MS = 120_000;

/**
 * Day rollups of observations, built when a query first needs them: a day whose rollup is clean is
 * read from it; a day no write is settling on is built from its current rows first; a day being
 * written to is read raw. A build counts only for the days Postgres accepts it for, so a write that
 * raced it leaves the day to the raw rows until the next build.
 */
export class ObservationRollups {
  /** The build running per project; a query for the same project waits for it instead of repeating it. */
  private readonly building = new Map<string, Promise<void>>();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly records: RollupDayRecords,
    private readonly deletes: RowDeletes,
    private readonly options: { onCleanupError?: (error: unknown) => void } = {},
  ) {}

  /** The days of `days` to read from rollups, with the build of each, building those that may be. */
  async usableDays(projectId: string, days: readonly string[]): Promise<RolledUpDay[]> {
    if (days.length === 0) return [];
    // Another query's build of the project: this one reads what it accepted, or builds after it.
    await this.building.get(projectId)?.catch(() => undefined);
    let states = await this.records.states(projectId, days);
    const buildable = days.filter((day) => states.get(day)?.cleanBuild === undefined && states.get(day)?.settled);
    if (buildable.length > 0) {
      await this.buildOnce(projectId, buildable);
      states = await this.records.states(projectId, days);
    }
    return days.flatMap((day) => {
      const build = states.get(day)?.cleanBuild;
      return build === undefined ? [] : [{ day, build }];
    });
  }

  /**
   * The days from `firstDay` to `lastDay` (inclusive, unbounded when not given) that can be read
   * from their rollup now; builds nothing.
   */
  cleanDays(projectId: string, firstDay?: string, lastDay?: string): Promise<RolledUpDay[]> {
    return this.records.cleanDays(projectId, firstDay, lastDay);
  }

  /**
   * Builds every settled day of the project that has observations and no clean rollup, one day
   * per statement: embedded ClickHouse runs one statement at a time, and a day's build is a few
   * hundred milliseconds at 3 M observations a day, so requests wait at most that long behind it.
   * Days without observations are skipped, found by asking for the next day that has some. Stops
   * between days once `signal` is aborted. Returns how many days it built.
   */
  async catchUp(projectId: string, signal?: AbortSignal): Promise<number> {
    const days = await observationDayRollups.projectDays(this.client, projectId);
    const states = await this.records.states(projectId, days);
    const pending = days.filter((day) => states.get(day)?.cleanBuild === undefined && states.get(day)?.settled);
    let built = 0;
    for (let i = 0; i < pending.length && !signal?.aborted; ) {
      const next = await observationDayRollups.nextDayWithRows(this.client, projectId, pending[i]!);
      if (next === undefined) break;
      while (i < pending.length && pending[i]! < next) i++;
      if (pending[i] !== next) continue;
      await this.building.get(projectId)?.catch(() => undefined);
      await this.buildOnce(projectId, [next]);
      built++;
      i++;
    }
    return built;
  }

  private buildOnce(projectId: string, days: string[]): Promise<void> {
    const running = this.building.get(projectId);
    if (running) return running;
    const build = this.build(projectId, days).finally(() => this.building.delete(projectId));
    this.building.set(projectId, build);
    return build;
  }

  private async build(projectId: string, days: string[]): Promise<void> {
    const build = await this.records.startBuild();
    await observationDayRollups.build(this.client, projectId, days, build.id);
    const accepted = await this.records.accept(projectId, days, build);
    const refused = days.filter((day) => !accepted.includes(day));
    const cleanup = setTimeout(() => {
      observationDayRollups.removeSuperseded(this.deletes, projectId, build.id, accepted, refused).catch((error: unknown) => this.options.onCleanupError?.(error));
    }, SUPERSEDED_KEPT_MS);
    cleanup.unref();
  }
}
