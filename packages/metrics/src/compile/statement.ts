import type { MetricsQuery } from "@wick/contracts";
import { MergedTable, observationDayRollups, ParamBag, type RolledUpDay, type RollupTable, type Statement } from "@wick/clickhouse";
import { MetricsQueryError } from "../errors.ts";
import { viewFor, type ApiVersion, type View } from "../model/index.ts";
import { inWindow } from "../model/relations.ts";
import type { BoundWindow } from "../model/types.ts";
import { aggregateSql, DEFAULT_HISTOGRAM_BINS } from "./aggregation.ts";
import { overRollupRows, type RolledUpMetric, rolledUpMetric, rollupTableFor, wholeDays } from "./rollup.ts";
import { compileFilters } from "./filters.ts";
import { assertCardinality } from "./high-cardinality.ts";
import { dimensionAlias, metricAlias, orderByClause, TIME_ALIAS } from "./order.ts";
import { selectColumns, type Selection } from "./selection.ts";
import { assertBucketable, assertFillable, bucketSql, type Granularity, resolveGranularity, withFillSql } from "./time.ts";
import { bindInstant } from "./timestamps.ts";

export interface CompiledMetricsQuery extends Statement {
  params: Record<string, unknown>;
  /** Each result column's SQL alias and response key, in response order. */
  columns: Array<{ alias: string; key: string }>;
}

/** v2 answers at most this many rows unless `config.row_limit` says otherwise; v1 has no default. */
const V2_DEFAULT_ROW_LIMIT = 100;

/** Output as the reference's (ISO date-times, unquoted 64-bit integers and decimals), of current rows. */
const SETTINGS = [
  "date_time_output_format = 'iso'",
  "output_format_json_quote_64bit_integers = 0",
  "output_format_json_quote_decimals = 0",
  MergedTable.FINAL_SETTINGS,
  "max_execution_time = 60",
].join(", ");

/**
 * The whole days of the query's window that day rollups could answer (see `rollupTableFor`);
 * none when the query's shape needs the raw rows.
 */
export function rollupCandidateDays(version: ApiVersion, query: MetricsQuery): string[] {
  const view = viewFor(version, query.view);
  if (!view?.rollups) return [];
  const fromMs = Date.parse(query.fromTimestamp);
  const toMs = Date.parse(query.toTimestamp);
  const granularity = query.timeDimension ? resolveGranularity(query.timeDimension.granularity, fromMs, toMs) : undefined;
  return rollupTableFor(view, query, selectColumns(view, query), granularity) ? wholeDays(fromMs, toMs) : [];
}

/**
 * One parameterized ClickHouse statement for a validated query: one row per group, aggregates
 * over one row per entity (each table read FINAL, relations pre-aggregated per entity). Every
 * identifier and expression comes from the view's declarations; every value is a bound parameter.
 *
 * `rolledUp` names days (from `rollupCandidateDays`) to read from their rollup rows instead: the
 * statement then adds up partial sums from the raw rows of the rest of the window and from the
 * rollup rows of those days.
 */
export function compileMetricsQuery(projectId: string, version: ApiVersion, query: MetricsQuery, rolledUp: readonly RolledUpDay[] = []): CompiledMetricsQuery {
  const view = viewFor(version, query.view);
  if (!view) throw new MetricsQueryError(`Invalid view ${query.view} for the ${version} metrics API`);
  if (version === "v2") assertCardinality(view, query);
  const rowLimit = query.config?.row_limit ?? (version === "v2" ? V2_DEFAULT_ROW_LIMIT : undefined);

  const params = new ParamBag();
  const fromMs = Date.parse(query.fromTimestamp);
  const toMs = Date.parse(query.toTimestamp);
  const window: BoundWindow = {
    projectId: params.bind(projectId, "String"),
    from: bindInstant(params, new Date(fromMs), "fromTimestamp"),
    to: bindInstant(params, new Date(toMs), "toTimestamp"),
  };

  const selection = selectColumns(view, query);
  const granularity = query.timeDimension ? resolveGranularity(query.timeDimension.granularity, fromMs, toMs) : undefined;
  const filters = compileFilters(view, query.filters, params);
  const filling = granularity !== undefined && !query.orderBy?.length;
  if (granularity) assertBucketable(fromMs, toMs);
  if (filling) assertFillable(granularity, fromMs, toMs);
  const orderBy = orderByClause(selection, query.orderBy, granularity ? { fill: withFillSql(granularity, window.from, window.to) } : undefined);

  const time = `${view.alias}.${view.timeColumn}`;
  const bins = query.config?.bins ?? DEFAULT_HISTOGRAM_BINS;
  const columns = resultColumns(selection, granularity ? bucketSql(granularity, time) : undefined, bins);

  const needed = new Set([...selection.dimensions.map((d) => d.dimension.relation), ...selection.metrics.map((m) => m.measure.relation), ...filters.relations]);
  const joins = [...view.relations].filter(([name]) => needed.has(name)).map(([, relation]) => relation.join(window));
  const expansion = selection.dimensions.find((d) => d.dimension.pairExpansion)?.dimension.pairExpansion;
  const where = [`${view.alias}.project_id = ${window.projectId}`, inWindow(time, window), ...(view.segment ? [view.segment] : []), ...filters.conditions];
  const groupBy = [...selection.dimensions.map((_, index) => dimensionAlias(index)), ...(granularity ? [TIME_ALIAS] : [])];
  const groupByClause = groupBy.length > 0 ? [`GROUP BY ${groupBy.join(", ")}`] : [];

  const rollupTable = rolledUp.length > 0 ? rollupTableFor(view, query, selection, granularity) : undefined;
  const body =
    rollupTable === undefined
      ? [
          select(columns),
          `FROM ${view.table.final(view.alias)}`,
          ...joins,
          ...(expansion ? [`ARRAY JOIN mapKeys(${expansion.map}) AS ${expansion.keyAlias}, mapValues(${expansion.map}) AS ${expansion.valueAlias}`] : []),
          `WHERE ${where.join(" AND ")}`,
          ...groupByClause,
        ]
      : rollupUnion({ view, table: rollupTable, query, selection, granularity, params, window, joins, where, columns, groupBy: groupByClause, rolledUp });

  const sql = [...body, ...(orderBy ? [orderBy] : []), ...(rowLimit !== undefined ? [`LIMIT ${params.bind(rowLimit, "UInt32")}`] : []), `SETTINGS ${SETTINGS}`].join("\n");
  return {
    name: `metrics.${version}-${view.name}${rollupTable ? `-rollups-${rollupTable}` : ""}`,
    sql,
    params: params.values,
    columns: columns.map(({ alias, key }) => ({ alias, key })),
  };
}

type Column = { alias: string; sql: string };

const select = (columns: Column[]) => `SELECT ${columns.map((column) => `${column.sql} AS ${column.alias}`).join(", ")}`;

/**
 * The body of a statement that answers a query `table` can answer (see `rollupTableFor`) from two
 * partial aggregates combined: the raw rows of the window outside the rolled-up days, with the
 * joins their dimensions and filters need, and the rows of `table` of those days' builds. Sums
 * and counts add up; quantiles merge the raw rows' quantile states with the rollup rows'.
 */
function rollupUnion(q: {
  view: View;
  table: RollupTable;
  query: MetricsQuery;
  selection: Selection;
  granularity: Granularity | undefined;
  params: ParamBag;
  window: BoundWindow;
  joins: string[];
  where: string[];
  columns: Column[];
  groupBy: string[];
  rolledUp: readonly RolledUpDay[];
}): string[] {
  const { view, params, columns, groupBy } = q;
  const time = `${view.alias}.${view.timeColumn}`;
  const outsideRolledUp = observationDayRollups.outside(time, q.rolledUp, params);
  const keys = columns.length - metricColumnCount(q.selection);
  const metrics = rolledUpMetrics(q.selection, q.table);
  // Dimensions and filters as they read over the rollup rows.
  const overRows = overRollupRows(view, q.table);
  const rollupFilters = compileFilters(overRows, q.query.filters, params).conditions;
  const bucket = q.granularity ? `toDate(${bucketSql(q.granularity, `${view.alias}.day`)})` : undefined;
  const keyColumns = (cols: Column[]) => cols.slice(0, keys);
  // One partial per sum, and one per quantile state column, which every level of it reads: a
  // dashboard's p50 to p99 of one measure merge its states once.
  const rawPartials: Column[] = [];
  const rollupPartials: Column[] = [];
  const partialOf = new Map<string, string>();
  const partial = (key: string, raw: string, rollup: string) => {
    const known = partialOf.get(key);
    if (known) return known;
    const alias = partialAlias(rawPartials.length);
    rawPartials.push({ alias, sql: raw });
    rollupPartials.push({ alias, sql: rollup });
    partialOf.set(key, alias);
    return alias;
  };
  const totals = metrics.map((metric, index) => {
    if (metric.kind === "sum") return `sum(${partial(`sum ${index}`, columns[keys + index]!.sql, `sum(${metric.rollup})`)})`;
    const states = partial(`quantiles ${metric.states}`, observationDayRollups.quantiles.state(metric.expr), observationDayRollups.quantiles.mergedState(metric.states));
    return observationDayRollups.quantiles.level(states, metric.level)!;
  });
  return [
    `SELECT ${[...keyColumns(columns).map((column) => column.alias), ...totals.map((sql, index) => `${sql} AS ${columns[keys + index]!.alias}`)].join(", ")}`,
    "FROM (",
    select([...keyColumns(columns), ...rawPartials]),
    `FROM ${view.table.final(view.alias)}`,
    ...q.joins,
    `WHERE ${[...q.where, ...outsideRolledUp].join(" AND ")}`,
    ...groupBy,
    "UNION ALL",
    select([...dimensionColumns(selectColumns(overRows, q.query), bucket), ...rollupPartials]),
    `FROM ${observationDayRollups.fromBuilds(view.alias, q.window.projectId, q.rolledUp, params, q.table)}${rollupFilters.map((condition) => ` AND ${condition}`).join("")}`,
    ...groupBy,
    ")",
    ...groupBy,
  ];
}

/** The partial aggregate of a metric column, over the raw rows or the rollup rows. */
const partialAlias = (index: number) => `p${index}`;

/** The metric columns: one per metric, or the row `count` when none was asked for. */
const metricColumnCount = (selection: Selection) => Math.max(1, selection.metrics.length);

/** How each metric column adds up from the rows of `table`; the row count when no metric was asked for. */
function rolledUpMetrics(selection: Selection, table: RollupTable): RolledUpMetric[] {
  if (selection.metrics.length === 0) return [{ kind: "sum", rollup: observationDayRollups.ROWS }];
  return selection.metrics.map((metric) => {
    const rolledUp = rolledUpMetric(metric, table);
    if (!rolledUp) throw new Error(`The rollups cannot answer ${metric.key}`);
    return rolledUp;
  });
}

/** The dimension columns over rollup rows (`selection` over the view as it reads them), and the bucket of the row's day. */
const dimensionColumns = (selection: Selection, bucket: string | undefined): Column[] => [
  ...selection.dimensions.map((d, index) => ({ alias: dimensionAlias(index), sql: d.dimension.sql })),
  ...(bucket ? [{ alias: TIME_ALIAS, sql: bucket }] : []),
];

/**
 * The result columns in response order: dimensions, the time bucket, then one aggregate per
 * metric, or a `count` of rows when no metric was asked for (as the reference answers).
 */
function resultColumns(selection: Selection, bucket: string | undefined, bins: number): Array<{ alias: string; key: string; sql: string }> {
  return [
    ...selection.dimensions.map((d, index) => ({ alias: dimensionAlias(index), key: d.name, sql: d.dimension.sql })),
    ...(bucket ? [{ alias: TIME_ALIAS, key: TIME_ALIAS, sql: bucket }] : []),
    ...(selection.metrics.length > 0
      ? selection.metrics.map((m, index) => ({ alias: metricAlias(index), key: m.key, sql: aggregateSql(m.aggregation, m.measure.sql, bins) }))
      : [{ alias: metricAlias(0), key: "count", sql: "count(*)" }]),
  ];
}
