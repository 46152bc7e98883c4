import type { FilterCondition } from "@wick/contracts";
import { float64Param, instantFromText, stringCondition, type ParamBag } from "@wick/clickhouse";
import { InvalidRequestError } from "@wick/errors";
import type { FilterColumn } from "./columns.ts";

export class InvalidFilterError extends InvalidRequestError {}

const COMPATIBLE: Record<string, string[]> = {
  string: ["string", "stringOptions"],
  stringOptions: ["string", "stringOptions"],
  arrayOptions: ["arrayOptions", "stringOptions"],
  datetime: ["datetime"],
  number: ["number"],
  boolean: ["boolean"],
  stringObject: ["stringObject"],
};

const COMPARISON: Record<string, string> = { "=": "=", ">": ">", "<": "<", ">=": ">=", "<=": "<=", "<>": "!=" };

/** Tokens of a `matches` search: runs of letters and digits, lower-cased. */
function searchTokens(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0);
}

/** Input/output phrase search: the phrase as a substring, and each of its tokens as a whole token (case-insensitive). */
function matchesText(expr: string, value: string, params: ParamBag): string {
  const tokens = searchTokens(value);
  if (tokens.length === 0) throw new InvalidFilterError("`matches` requires at least one search token.");
  return `(positionCaseInsensitiveUTF8(${expr}, ${params.bind(value, "String")}) > 0 AND hasAll(splitByNonAlpha(lowerUTF8(${expr})), ${params.bind(tokens, "Array(String)")}))`;
}

/** A metadata key path: the literal top-level key if it exists, else a path into a JSON-valued top-level key. */
function metadataValue(key: string, params: ParamBag): { value: string; exists: string } {
  const full = params.bind(key, "String");
  const [first = "", ...rest] = key.split(".");
  if (rest.length === 0) return { value: `metadata[${full}]`, exists: `mapContains(metadata, ${full})` };
  const head = `metadata[${params.bind(first, "String")}]`;
  const path = rest.map((part) => params.bind(part, "String")).join(", ");
  const nested = `if(JSONType(${head}, ${path}) = 'String', JSONExtractString(${head}, ${path}), JSONExtractRaw(${head}, ${path}))`;
  return {
    value: `if(mapContains(metadata, ${full}), metadata[${full}], ${nested})`,
    exists: `(mapContains(metadata, ${full}) OR (mapContains(metadata, ${params.bind(first, "String")}) AND JSONHas(${head}, ${path})))`,
  };
}

/** One condition as SQL over the column's table, or undefined for conditions that filter nothing. */
export function compileCondition(condition: FilterCondition, column: FilterColumn, params: ParamBag): string | undefined {
  if (condition.type !== "null" && column.declared && !COMPATIBLE[column.declared]!.includes(condition.type)) {
    throw new InvalidFilterError(`Invalid filter type '${condition.type}' for column '${condition.column}'. Expected filter type '${column.declared}'.`);
  }
  if (column.io && condition.type !== "string") throw new InvalidFilterError("Input/output filters only support filter type `string`.");
  if (condition.type !== "positionInTrace" && "operator" in condition && condition.operator === "matches" && !column.io && condition.type !== "stringObject") {
    throw new InvalidFilterError("`matches` is only supported for input, output, and metadata filters.");
  }
  const expr = column.sql;
  switch (condition.type) {
    case "positionInTrace":
      return undefined;
    case "null": {
      const isNull = column.emptyIsNull ? `(${expr} IS NULL OR ${expr} = '')` : `${expr} IS NULL`;
      return condition.operator === "is null" ? isNull : `NOT ${isNull}`;
    }
    case "string":
      return condition.operator === "matches" ? matchesText(expr, condition.value, params) : stringCondition(expr, condition.operator, params.bind(condition.value, "String"));
    case "stringOptions":
      if (column.declared === "arrayOptions" || expr === "tags") {
        const has = `hasAny(${expr}, ${params.bind(condition.value, "Array(String)")})`;
        return condition.operator === "any of" ? has : `NOT ${has}`;
      }
      return `${expr} ${condition.operator === "any of" ? "IN" : "NOT IN"} ${params.bind(condition.value, "Array(String)")}`;
    case "arrayOptions": {
      const list = params.bind(condition.value, "Array(String)");
      if (condition.operator === "all of") return `hasAll(${expr}, ${list})`;
      return condition.operator === "any of" ? `hasAny(${expr}, ${list})` : `NOT hasAny(${expr}, ${list})`;
    }
    case "datetime":
      return `${expr} ${COMPARISON[condition.operator]} ${instantFromText(params.bind(condition.value, "String"))}`;
    case "number":
      return `${expr} ${COMPARISON[condition.operator]} ${params.bind(float64Param(condition.value), "Float64")}`;
    case "boolean":
      return `(${expr}) ${COMPARISON[condition.operator]} ${params.bind(condition.value, "Bool")}`;
    case "stringObject": {
      const { value, exists } = metadataValue(condition.key, params);
      if (condition.operator !== "matches") return `(${exists} AND ${stringCondition(value, condition.operator, params.bind(condition.value, "String"))})`;
      const tokens = searchTokens(condition.value);
      if (tokens.length === 0) throw new InvalidFilterError("`matches` requires at least one search token.");
      return `(${exists} AND position(${value}, ${params.bind(condition.value, "String")}) > 0 AND hasAll(arrayFlatten(arrayMap(v -> splitByNonAlpha(lowerUTF8(v)), mapValues(metadata))), ${params.bind(tokens, "Array(String)")}))`;
    }
    default:
      throw new InvalidFilterError(`Invalid filter type '${condition.type}' for column '${condition.column}'. Expected filter type '${column.declared ?? "string"}'.`);
  }
}
