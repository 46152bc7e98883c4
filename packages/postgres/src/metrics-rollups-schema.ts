import { bigint, date, pgSequence, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const instant = (name: string) => timestamp(name, { precision: 6, withTimezone: true, mode: "string" });

/** Ids of rollup builds: a build that becomes a day's current one has a larger id than the one before. */
export const observationRollupBuilds = pgSequence("observation_rollup_builds");

/**
 * Whether a day of a project's observation rollups (ClickHouse `observation_day_rollups`) may be
 * read. Writes of the day's observations push `dirty_until` forward, before and after their
 * insert; a build snapshots the day at `built_from` and counts only while that is later than
 * `dirty_until`. A day without a row has never been built.
 */
export const observationRollupDays = pgTable(
  "observation_rollup_days",
  {
    projectId: text("project_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    dirtyUntil: instant("dirty_until").notNull(),
    buildId: bigint("build_id", { mode: "number" }),
    builtFrom: instant("built_from"),
  },
  (t) => [primaryKey({ name: "observation_rollup_days_pkey", columns: [t.projectId, t.day] })],
);
