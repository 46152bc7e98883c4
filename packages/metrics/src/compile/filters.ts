import type { MetricsFilter } from "@wick/contracts";
import { stringCondition, type ParamBag } from "@wick/clickhouse";
import { MetricsQueryError } from "../errors.ts";
import type { Dimension, DimensionType, View } from "../model/index.ts";
import { bindInstant } from "./timestamps.ts";

/** Filter types each dimension type takes, besides `null`. */
const ACCEPTED: Record<DimensionType, MetricsFilter["type"][]> = {
  string: ["string", "stringOptions"],
  "string[]": ["arrayOptions"],
  number: ["number"],
  boolean: ["boolean"],
};

const COMPARISON: Record<string, string> = { "=": "=", "<>": "!=", ">": ">", "<": "<", ">=": ">=", "<=": "<=" };

type StringFilter = Extract<MetricsFilter, { type: "string" }>;
type OptionsFilter = Extract<MetricsFilter, { type: "stringOptions" }>;
type NullFilter = Extract<MetricsFilter, { type: "null" }>;

export interface CompiledFilters {
  conditions: string[];
  /** Relations the conditions read from. */
  relations: string[];
}

/** v2 `nullIf(raw, '')` dimensions: the raw column, with '' and NULL meaning the same. */
function emptyAsNullCondition(raw: string, filter: StringFilter | OptionsFilter | NullFilter, params: ParamBag): string {
  const empty = `(${raw} = '' OR ${raw} IS NULL)`;
  switch (filter.type) {
    case "null":
      return filter.operator === "is null" ? empty : `(${raw} != '' AND ${raw} IS NOT NULL)`;
    case "string":
      if (filter.operator === "does not contain") return `(${raw} != '' AND position(${raw}, ${params.bind(filter.value, "String")}) = 0)`;
      return filter.value === "" ? empty : stringCondition(raw, filter.operator, params.bind(filter.value, "String"));
    case "stringOptions": {
      const list = params.bind(filter.value, "Array(String)");
      const listsEmpty = filter.value.includes("");
      if (filter.operator === "any of") return listsEmpty ? `(${raw} IN ${list} OR ${raw} IS NULL)` : `${raw} IN ${list}`;
      return listsEmpty ? `(${raw} NOT IN ${list} AND ${raw} IS NOT NULL)` : `(${raw} NOT IN ${list} AND ${raw} != '')`;
    }
  }
}

function dimensionCondition(name: string, dimension: Dimension, filter: MetricsFilter, params: ParamBag): string {
  if (dimension.pairExpansion) throw new MetricsQueryError(`Filtering on '${name}' is not supported: it expands each row into one row per map key.`);
  const accepted = ACCEPTED[dimension.type];
  if (filter.type !== "null" && !accepted.includes(filter.type)) {
    const expected = accepted.map((type) => `'${type}'`).join(" or ");
    throw new MetricsQueryError(
      `Invalid filter for field '${filter.column}': Filter type '${filter.type}' is not supported for dimension type '${dimension.type}'. Expected ${expected}.`,
    );
  }
  if (dimension.emptyAsNull && (filter.type === "string" || filter.type === "stringOptions" || filter.type === "null")) {
    return emptyAsNullCondition(dimension.emptyAsNull, filter, params);
  }
  const expr = dimension.filterSql ?? dimension.sql;
  switch (filter.type) {
    case "null":
      return `${expr} ${filter.operator === "is null" ? "IS NULL" : "IS NOT NULL"}`;
    case "string":
      return stringCondition(expr, filter.operator, params.bind(filter.value, "String"));
    case "stringOptions":
      return `${expr} ${filter.operator === "any of" ? "IN" : "NOT IN"} ${params.bind(filter.value, "Array(String)")}`;
    case "arrayOptions": {
      const list = params.bind(filter.value, "Array(String)");
      if (filter.operator === "all of") return `hasAll(${expr}, ${list}) = True`;
      return `hasAny(${list}, ${expr}) = ${filter.operator === "any of" ? "True" : "False"}`;
    }
    // Numbers travel as text: the embedded client refuses JS numbers beyond 2^53.
    case "number":
      return `${expr} ${COMPARISON[filter.operator]} ${params.bind(String(filter.value), "Float64")}`;
    case "boolean":
      return `${expr} ${COMPARISON[filter.operator]} ${params.bind(filter.value, "Bool")}`;
    default:
      throw new Error(`unreachable filter type ${filter.type}`);
  }
}

function timeCondition(view: View, filter: MetricsFilter, params: ParamBag): string {
  const column = `${view.alias}.${view.timeColumn}`;
  if (filter.type === "null") return `${column} ${filter.operator === "is null" ? "IS NULL" : "IS NOT NULL"}`;
  if (filter.type !== "datetime") {
    throw new MetricsQueryError(`Filter type '${filter.type}' is not supported for time dimension '${filter.column}'. Expected 'datetime'.`);
  }
  return `${column} ${COMPARISON[filter.operator]} ${bindInstant(params, filter.value, `The value of the '${filter.column}' filter`)}`;
}

/** Top-level metadata keys only; the key must exist for every operator, `does not contain` included. */
function metadataCondition(view: View, filter: MetricsFilter, params: ParamBag): string {
  if (filter.type !== "stringObject") {
    throw new MetricsQueryError(
      `Invalid filter for field 'metadata': Metadata filters require type 'stringObject' with a 'key' property, not '${filter.type}'. ` +
        `Example: {"column":"metadata","type":"stringObject","key":"customer","operator":"=","value":"acme"}`,
    );
  }
  const metadata = view.metadata?.sql ?? `${view.alias}.metadata`;
  const key = params.bind(filter.key, "String");
  return `(mapContains(${metadata}, ${key}) AND ${stringCondition(`${metadata}[${key}]`, filter.operator, params.bind(filter.value, "String"))})`;
}

/**
 * The filters as SQL conditions over the view. A column resolves, in the reference's order, to a
 * dimension, to `name` when it ends in `Name`, to the raw time column, or to `metadata`.
 */
export function compileFilters(view: View, filters: MetricsFilter[], params: ParamBag): CompiledFilters {
  const conditions: string[] = [];
  const relations: string[] = [];
  for (const filter of filters) {
    const named = view.dimensions.get(filter.column) ?? (filter.column.endsWith("Name") ? view.dimensions.get("name") : undefined);
    if (named) {
      conditions.push(dimensionCondition(filter.column, named, filter, params));
      if (named.relation) relations.push(named.relation);
    } else if (filter.column === view.timeColumn) {
      conditions.push(timeCondition(view, filter, params));
    } else if (filter.column === "metadata") {
      conditions.push(metadataCondition(view, filter, params));
      if (view.metadata) relations.push(view.metadata.relation);
    } else {
      throw new MetricsQueryError(`Invalid filter column ${filter.column}. Must be one of ${[...view.dimensions.keys()].join(", ")} or ${view.timeColumn}`);
    }
  }
  return { conditions, relations };
}
