import type { ClickHouseClient } from "@clickhouse/client";
import { observationColumns } from "../columns/observation-columns.ts";
import { ParamBag } from "../query/params.ts";
import { runCommand, selectRows } from "../query/statements.ts";
import { clickHouseInstant, DATETIME64 } from "../query/time.ts";
import type { Where } from "../query/where.ts";
import type { RowDeletes } from "../row-deletes.ts";
import { MergedTable } from "./merged-table.ts";
import { observations } from "./observations.ts";
import { traces } from "./traces.ts";

const TABLE = "observation_day_rollups" as const;

/**
 * The two tables a build writes: `groups` sums per (environment, type, name, level, model) with
 * latency quantile states (0011, 0014), `users` sums per (environment, user of the trace) (0015).
 * Their measure columns share names and types, so a measure reads the same over either.
 */
export type RollupTable = "groups" | "users";

const TABLES: Record<RollupTable, "observation_day_rollups" | "observation_user_day_rollups"> = { groups: TABLE, users: "observation_user_day_rollups" };

const DAY_MS = 86_400_000;

/** The most days of a project the rollups are kept for: ten years. */
const MAX_PROJECT_DAYS = 3_660;

/** A UTC day (`YYYY-MM-DD`) answered from its rollup rows, and the build to read them from. */
export interface RolledUpDay {
  day: string;
  build: number;
}

/** The rolled-up days as runs of consecutive days, `[from, to)` in milliseconds. */
function dayRuns(days: readonly RolledUpDay[]): Array<[number, number]> {
  const starts = days.map(({ day }) => Date.parse(`${day}T00:00:00Z`)).sort((a, b) => a - b);
  const runs: Array<[number, number]> = [];
  for (const start of starts) {
    const last = runs.at(-1);
    if (last && last[1] === start) last[1] = start + DAY_MS;
    else runs.push([start, start + DAY_MS]);
  }
  return runs;
}

/** The observation columns a rollup row groups by; they keep their names and types in the rollup. */
const ROLLUP_GROUP_COLUMNS = ["environment", "type", "name", "level", "provided_model_name"] as const;

/** The levels of the rollups' latency quantile states (0014_observation_day_rollup_latencies.sql). */
const QUANTILE_LEVELS = ["0.5", "0.75", "0.9", "0.95", "0.99"] as const;

/**
 * The parameters of every `quantiles` state of the rollups: a state is one reservoir whatever the
 * levels, but merges only into the function with the parameters it was built with.
 */
const LEVELS = `(${QUANTILE_LEVELS.join(", ")})`;

/**
 * Per-day sums of current observations, per group and per trace user (`RollupTable`). A build
 * writes every group of the given days in both tables under one build id; which build of a day is
 * current, and whether it still is, is recorded outside them (in Postgres), so rows of other
 * builds are only ever read by mistake if a caller names them.
 */
export const observationDayRollups = {
  /** The column counting the observations a rollup row stands for, under the alias `o`. */
  ROWS: "o.rows",

  /** The column holding the latency quantile state of a rollup row's observations, under the alias `o`. */
  LATENCY_QUANTILES: "o.latency_quantiles",

  /**
   * The quantile states a rollup column holds, as expressions: `state` builds one over raw values
   * (`Nullable(Int64)`, as the column's), `mergedState` merges states into one, and `level` reads
   * the quantile at a level from merged states, undefined for a level the states do not keep.
   * Without values `quantiles` answers NaN where `quantile` answers NULL; `level` answers NULL too,
   * so an empty group, or a bucket a query fills in, reads the same either way.
   */
  quantiles: {
    state: (expr: string) => `quantilesState${LEVELS}(toNullable(toInt64(${expr})))`,
    mergedState: (states: string) => `quantilesMergeState${LEVELS}(${states})`,
    level: (states: string, level: string): string | undefined => {
      const index = QUANTILE_LEVELS.indexOf(level as (typeof QUANTILE_LEVELS)[number]);
      if (index < 0) return undefined;
      const quantile = `quantilesMerge${LEVELS}(${states})[${index + 1}]`;
      return `if(isNaN(${quantile}), NULL, ${quantile})`;
    },
  },

  /** `FROM` the project's rows of the rolled-up days in one of the tables, each of its own build. */
  fromBuilds: (alias: string, projectParam: string, days: readonly RolledUpDay[], params: ParamBag, table: RollupTable = "groups") => {
    const dayList = params.bind(
      days.map(({ day }) => day),
      "Array(Date32)",
    );
    const builds = params.bind(
      days.map(({ build }) => build),
      "Array(UInt64)",
    );
    return `${TABLES[table]} AS ${alias} WHERE ${alias}.project_id = ${projectParam} AND ${alias}.day IN ${dayList} AND ${alias}.build_id = ${builds}[indexOf(${dayList}, ${alias}.day)]`;
  },

  /**
   * The rolled-up days on which no current observation satisfies `conditions` (over the columns
   * the rollups group by, as they read on an observation): a read of such rows may skip them.
   */
  async daysWithout(client: ClickHouseClient, projectId: string, days: readonly RolledUpDay[], conditions: Where): Promise<RolledUpDay[]> {
    const params = new ParamBag();
    const found = await selectRows<{ day: string }>(client, {
      name: `${TABLE}.days-with-rows`,
      sql: `SELECT DISTINCT toString(o.day) AS day FROM ${observationDayRollups.fromBuilds("o", "{projectId:String}", days, params)} AND ${conditions}`,
      params: { ...conditions.params, ...params.values, projectId },
    });
    const withRows = new Set(found.map((row) => row.day));
    return days.filter(({ day }) => !withRows.has(day));
  },

  /**
   * Conditions keeping `time` (an observation's start) out of the rolled-up days, one per run of
   * consecutive days: the raw rows answer for the rest of a query, and ClickHouse skips the runs'
   * granules by the sort key.
   */
  outside: (time: string, days: readonly RolledUpDay[], params: ParamBag): string[] =>
    dayRuns(days).map(
      ([start, end]) =>
        `NOT (${time} >= ${params.bind(clickHouseInstant(new Date(start)), DATETIME64)} AND ${time} < ${params.bind(clickHouseInstant(new Date(end)), DATETIME64)})`,
    ),

  /**
   * The UTC days from the project's first observation to its last, the last ten years of them at
   * most; none for a project without observations. Both ends are read in key order, a few
   * granules each.
   */
  async projectDays(client: ClickHouseClient, projectId: string): Promise<string[]> {
    const edge = (direction: "ASC" | "DESC") =>
      `(SELECT toUnixTimestamp64Milli(start_time) FROM ${observations.name} WHERE project_id = {projectId:String} ORDER BY start_time ${direction} LIMIT 1)`;
    const [span] = await selectRows<{ first: number | string | null; last: number | string | null }>(client, {
      name: `${TABLE}.project-days`,
      sql: `SELECT ${edge("ASC")} AS first, ${edge("DESC")} AS last`,
      params: { projectId },
    });
    if (span?.first === null || span?.first === undefined || span.last === null) return [];
    const lastDay = Math.floor(Number(span.last) / DAY_MS);
    const firstDay = Math.max(Math.floor(Number(span.first) / DAY_MS), lastDay - MAX_PROJECT_DAYS + 1);
    return Array.from({ length: lastDay - firstDay + 1 }, (_, i) => new Date((firstDay + i) * DAY_MS).toISOString().slice(0, 10));
  },

  /**
   * The first UTC day, from `day` on, on which the project has an observation; undefined when
   * none does. Read in key order, a few granules.
   */
  async nextDayWithRows(client: ClickHouseClient, projectId: string, day: string): Promise<string | undefined> {
    const [next] = await selectRows<{ day: string }>(client, {
      name: `${TABLE}.next-day`,
      sql: `SELECT toString(toDate32(start_time)) AS day FROM ${observations.name}
            WHERE project_id = {projectId:String} AND start_time >= toDateTime64({day:Date32}, 3, 'UTC')
            ORDER BY start_time LIMIT 1`,
      params: { projectId, day },
    });
    return next?.day;
  },

  /**
   * Sums the project's current observations of `days` (UTC dates, `YYYY-MM-DD`) into rows of build
   * `buildId` in both tables: per group, with the quantile state of their latencies, and per user
   * of their current trace. Maps sum key by key; `sumMap` widens the costs to Decimal128, so a
   * day's sum cannot overflow.
   */
  async build(client: ClickHouseClient, projectId: string, days: readonly string[], buildId: number): Promise<void> {
    const onDays = (alias: string) =>
      `${alias}.project_id = {projectId:String}
       AND ${alias}.start_time >= toDateTime64(arrayMin({days:Array(Date32)}), 3, 'UTC')
       AND ${alias}.start_time < toDateTime64(arrayMax({days:Array(Date32)}) + 1, 3, 'UTC')
       AND toDate32(${alias}.start_time) IN {days:Array(Date32)}`;
    const sums = "count(), sumMap(o.usage_details), sumMap(o.cost_details), sum(ifNull(o.total_cost, 0))";
    const params = { projectId, days, buildId };
    await runCommand(client, {
      name: `${TABLE}.build`,
      sql: `INSERT INTO ${TABLE} (project_id, day, build_id, ${ROLLUP_GROUP_COLUMNS.join(", ")}, rows, usage_details, cost_details, total_cost, latency_quantiles)
            SELECT o.project_id, toDate32(o.start_time) AS day, {buildId:UInt64}, ${ROLLUP_GROUP_COLUMNS.map((column) => `o.${column}`).join(", ")}, ${sums},
                   ${observationDayRollups.quantiles.state(observationColumns("o").latencyMs)}
            FROM ${observations.final("o")}
            WHERE ${onDays("o")}
            GROUP BY o.project_id, day, ${ROLLUP_GROUP_COLUMNS.map((column) => `o.${column}`).join(", ")}
            SETTINGS ${MergedTable.FINAL_SETTINGS}`,
      params,
    });
    // Only the traces of the day's observations are looked up, not every trace of the project.
    await runCommand(client, {
      name: `${TABLES.users}.build`,
      sql: `INSERT INTO ${TABLES.users} (project_id, day, build_id, environment, user_id, rows, usage_details, cost_details, total_cost)
            SELECT o.project_id, toDate32(o.start_time) AS day, {buildId:UInt64}, o.environment, ifNull(tr.user_id, '') AS trace_user, ${sums}
            FROM ${observations.final("o")}
            LEFT JOIN (
              SELECT id, user_id FROM ${traces.final()}
              WHERE project_id = {projectId:String} AND id IN (SELECT d.trace_id FROM ${observations.name} AS d WHERE ${onDays("d")})
            ) AS tr ON tr.id = o.trace_id
            WHERE ${onDays("o")}
            GROUP BY o.project_id, day, o.environment, trace_user
            SETTINGS ${MergedTable.FINAL_SETTINGS}`,
      params,
    });
  },

  /**
   * Removes what a build leaves behind once Postgres said which of its days it became current for:
   * older builds of those days, and its own rows of the days another build kept. A later build of
   * an accepted day has a larger id, so it is never removed here.
   */
  removeSuperseded: async (deletes: RowDeletes, projectId: string, buildId: number, accepted: readonly string[], refused: readonly string[]) => {
    for (const table of Object.values(TABLES)) {
      await deletes.delete(
        `${table}.remove-superseded`,
        table,
        "project_id = {projectId:String} AND ((day IN {accepted:Array(Date32)} AND build_id < {buildId:UInt64}) OR (day IN {refused:Array(Date32)} AND build_id = {buildId:UInt64}))",
        { projectId, buildId, accepted, refused },
      );
    }
  },
};
