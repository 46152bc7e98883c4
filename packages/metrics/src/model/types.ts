import type { MergedTable, RollupTable } from "@wick/clickhouse";

/**
 * The declarative data model the compiler reads. Every SQL fragment here is fixed text written by
 * Wick; a query only selects entries by name, so no user input ever becomes an identifier.
 */

/** Declared dimension types; they decide which filter types a dimension takes. */
export type DimensionType = "string" | "string[]" | "number" | "boolean";

/** Declared measure types; string measures only take `count` and `uniq`. */
export type MeasureType = "integer" | "decimal" | "number" | "string";

/** Placeholders of the values every statement binds, for relation subqueries to reuse. */
export interface BoundWindow {
  projectId: string;
  from: string;
  to: string;
}

export interface Relation {
  /**
   * `lookup`: at most one partner row per base row (e.g. an observation's trace).
   * `perEntity`: the partner table pre-aggregated to one row per base entity (e.g. an observation's
   * score count), so joining it never multiplies base rows.
   */
  kind: "lookup" | "perEntity";
  /** The JOIN clause, its subquery scoped to the project (and to the window where the view asks for it). */
  join(window: BoundWindow): string;
}

/** A map column whose entries become rows (`ARRAY JOIN` of keys and values). */
export interface PairExpansion {
  map: string;
  keyAlias: string;
  valueAlias: string;
}

export interface Dimension {
  sql: string;
  type: DimensionType;
  /** Relation the expression reads from; using the dimension joins it. */
  relation?: string;
  /** v2 `nullIf(raw, '')` dimensions: filters run on `raw` with '' counted as NULL. */
  emptyAsNull?: string;
  /** What filters compare when it differs from `sql` (a number column declared as a string, a list shown exploded). */
  filterSql?: string;
  /** v2: grouping by it needs an explicit row limit and a descending measure order. */
  highCardinality?: boolean;
  /** Dimensions whose values come from expanding a map into one row per entry. */
  pairExpansion?: PairExpansion;
  /**
   * The day rollup tables that group by what it reads: `true` where its expression reads their
   * columns under the observation's names, else the dimension as it reads over their rows (alias `o`).
   */
  rollup?: Partial<Record<RollupTable, true | Dimension>>;
}

/** A string column with '' read as NULL. */
export const nonEmpty = (raw: string) => `nullIf(${raw}, '')`;

/** A v2 string dimension that reads '' as NULL, in output and in filters. */
export const emptyAsNull = (raw: string, extra: Partial<Dimension> = {}): Dimension => ({ sql: nonEmpty(raw), type: "string", emptyAsNull: raw, ...extra });

export interface Measure {
  /** Value per row of the view (one row per entity, or per map entry under a pair expansion). */
  sql: string;
  type: MeasureType;
  relation?: string;
  /** Dimension the measure only makes sense with; added to the query when absent. */
  requiresDimension?: string;
  /**
   * The measure's sum over the observations one day rollup row stands for, as SQL over that row
   * (alias `o`); given for measures that are never NULL, whose `count` is then the row count.
   */
  rollupSum?: string;
  /**
   * The column of the group rollups (alias `o`) holding the quantile state of the measure over the
   * observations of its row: the measure's quantiles merge it with the raw rows' states.
   */
  rollupQuantiles?: string;
}

export interface View {
  name: string;
  table: MergedTable;
  alias: string;
  /** The table's time column (as filters name it); the window and time buckets use it. */
  timeColumn: string;
  /** Condition every row of the view satisfies (score data types). */
  segment?: string;
  /** The map metadata filters read, when it is not the base table's own `metadata`. */
  metadata?: { sql: string; relation: string };
  dimensions: ReadonlyMap<string, Dimension>;
  measures: ReadonlyMap<string, Measure>;
  relations: ReadonlyMap<string, Relation>;
  /** Whether queries of the view may read the observation day rollups where their shape allows it. */
  rollups: boolean;
}

/** Builds a view's lookup maps from plain object literals, so names like `__proto__` never resolve. */
export function defineView(view: {
  name: string;
  table: MergedTable;
  alias: string;
  segment?: string;
  metadata?: { sql: string; relation: string };
  dimensions: Record<string, Dimension>;
  measures: Record<string, Measure>;
  relations?: Record<string, Relation>;
  rollups?: boolean;
}): View {
  return {
    ...view,
    rollups: view.rollups ?? false,
    timeColumn: view.table.time,
    dimensions: new Map(Object.entries(view.dimensions)),
    measures: new Map(Object.entries(view.measures)),
    relations: new Map(Object.entries(view.relations ?? {})),
  };
}
