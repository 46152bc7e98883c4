import { sql } from "drizzle-orm";
import type { Database } from "../connect.ts";

/** A project's UTC day, `YYYY-MM-DD`. */
export interface ProjectDay {
  projectId: string;
  day: string;
}

/** What a reader may do with a day's rollup. */
export interface RollupDayState {
  /** The build to read, when one is current and no write touched the day since it was taken. */
  cleanBuild?: number;
  /** No write of the day is in flight or settling: a build taken now would be clean. */
  settled: boolean;
}

/** A build's id and the instant (Postgres' clock) before which every write it must see had finished. */
export interface RollupBuild {
  id: number;
  builtFrom: string;
}

type Rows<Row> = { rows: Row[] };

/**
 * The validity records of the observation day rollups (observation_rollup_days). Every instant
 * compared here is Postgres' `clock_timestamp()`, so instances with drifting clocks agree.
 *
 * A write marks its days twice: `dirty` with a settling time before its insert, so that a build
 * taken while the insert runs is never clean (even if the process dies before it could mark
 * again), and without one after its insert, before it is acknowledged, for an insert that outlasted
 * the settling time. A build is taken after reading the clock and accepted only for days no mark
 * has reached past that instant.
 */
export class ObservationRollupDayRepository {
  constructor(private readonly db: Database) {}

  /** Pushes the days' `dirty_until` to at least `settleMs` from now. */
  async markDays(days: readonly ProjectDay[], settleMs: number): Promise<void> {
    if (days.length === 0) return;
    await this.db.execute(sql`
      INSERT INTO observation_rollup_days AS d (project_id, day, dirty_until)
      SELECT m.project_id, m.day::date, clock_timestamp() + ${settleMs} * interval '1 millisecond'
      FROM unnest(${sql.param(days.map((d) => d.projectId))}::text[], ${sql.param(days.map((d) => d.day))}::text[]) AS m(project_id, day)
      ON CONFLICT (project_id, day) DO UPDATE SET dirty_until = GREATEST(d.dirty_until, excluded.dirty_until)`);
  }

  /**
   * Pushes every recorded day of the project forward, or those up to `lastDay` when given; days
   * without a record were never clean.
   */
  async markProject(projectId: string, settleMs: number, lastDay?: string): Promise<void> {
    await this.db.execute(sql`
      UPDATE observation_rollup_days
      SET dirty_until = GREATEST(dirty_until, clock_timestamp() + ${settleMs} * interval '1 millisecond')
      WHERE project_id = ${projectId} AND (${lastDay ?? null}::date IS NULL OR day <= ${lastDay ?? null}::date)`);
  }

  /** The state of each of the project's days (those without a record: settled, never built). */
  async states(projectId: string, days: readonly string[]): Promise<Map<string, RollupDayState>> {
    const states = new Map<string, RollupDayState>(days.map((day) => [day, { settled: true }]));
    if (days.length === 0) return states;
    const { rows } = (await this.db.execute(sql`
      SELECT day::text AS day, build_id, built_from > dirty_until AS clean, dirty_until < clock_timestamp() AS settled
      FROM observation_rollup_days
      WHERE project_id = ${projectId} AND day = any(${sql.param(days)}::date[])`)) as unknown as Rows<{
      day: string;
      build_id: string | number | null;
      clean: boolean | null;
      settled: boolean;
    }>;
    for (const row of rows) {
      states.set(row.day, { settled: row.settled, ...(row.clean && row.build_id !== null ? { cleanBuild: Number(row.build_id) } : {}) });
    }
    return states;
  }

  /**
   * The project's days whose rollup is clean, with its build, from `firstDay` to `lastDay` (both
   * inclusive, each unbounded when not given), in order.
   */
  async cleanDays(projectId: string, firstDay?: string, lastDay?: string): Promise<Array<{ day: string; build: number }>> {
    const { rows } = (await this.db.execute(sql`
      SELECT day::text AS day, build_id
      FROM observation_rollup_days
      WHERE project_id = ${projectId} AND build_id IS NOT NULL AND built_from > dirty_until
        AND (${firstDay ?? null}::date IS NULL OR day >= ${firstDay ?? null}::date)
        AND (${lastDay ?? null}::date IS NULL OR day <= ${lastDay ?? null}::date)
      ORDER BY day`)) as unknown as Rows<{ day: string; build_id: string | number }>;
    return rows.map((row) => ({ day: row.day, build: Number(row.build_id) }));
  }

  /** A new build's id and start instant; the build must read the store only after this returns. */
  async startBuild(): Promise<RollupBuild> {
    const { rows } = (await this.db.execute(sql`SELECT nextval('observation_rollup_builds') AS id, clock_timestamp()::text AS built_from`)) as unknown as Rows<{
      id: string | number;
      built_from: string;
    }>;
    const [row] = rows;
    if (!row) throw new Error("Postgres returned no rollup build id");
    return { id: Number(row.id), builtFrom: row.built_from };
  }

  /**
   * Makes `build` the current one of those `days` no write has marked since it started and no
   * later build has replaced; returns them.
   */
  async accept(projectId: string, days: readonly string[], build: RollupBuild): Promise<string[]> {
    if (days.length === 0) return [];
    const { rows } = (await this.db.execute(sql`
      INSERT INTO observation_rollup_days AS d (project_id, day, dirty_until, build_id, built_from)
      SELECT ${projectId}, day::date, '-infinity', ${build.id}, ${build.builtFrom}::timestamptz
      FROM unnest(${sql.param(days)}::text[]) AS day
      ON CONFLICT (project_id, day) DO UPDATE SET build_id = excluded.build_id, built_from = excluded.built_from
      WHERE d.dirty_until < excluded.built_from AND (d.build_id IS NULL OR d.build_id < excluded.build_id)
      RETURNING day::text AS day`)) as unknown as Rows<{ day: string }>;
    return rows.map((row) => row.day);
  }
}
