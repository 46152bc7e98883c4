import type { EvaluationRuleFilter, EvaluationRuleTarget } from "@wick/contracts";
import { InvalidEvalRequestError } from "./errors.ts";

interface ColumnRule {
  type: EvaluationRuleFilter["type"];
  /** The only values a column takes, where it has a fixed set. */
  values?: readonly string[];
}

const OBSERVATION_TYPES = ["SPAN", "EVENT", "GENERATION", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"];
const LEVELS = ["DEBUG", "DEFAULT", "WARNING", "ERROR"];

const OBSERVATION_COLUMNS: Record<string, ColumnRule> = {
  type: { type: "stringOptions", values: OBSERVATION_TYPES },
  name: { type: "stringOptions" },
  environment: { type: "stringOptions" },
  traceName: { type: "stringOptions" },
  experimentId: { type: "stringOptions" },
  level: { type: "stringOptions", values: LEVELS },
  version: { type: "string" },
  userId: { type: "string" },
  sessionId: { type: "string" },
  tags: { type: "arrayOptions" },
  calledToolNames: { type: "arrayOptions" },
  metadata: { type: "stringObject" },
  isRootObservation: { type: "boolean" },
  parentObservationId: { type: "null" },
  toolCalls: { type: "number" },
};

const EXPERIMENT_COLUMNS: Record<string, ColumnRule> = { ...OBSERVATION_COLUMNS, datasetId: { type: "stringOptions" } };

const invalid = (message: string, details: Record<string, unknown>) => new InvalidEvalRequestError(message, { code: "invalid_filter_value", details });

/**
 * A rule's filters against the columns its target offers: each column known, with its type, and
 * fixed-value columns holding only their values. Returns the `datasetId` values, which only the
 * store can check.
 */
export function checkRuleFilters(filters: EvaluationRuleFilter[], target: EvaluationRuleTarget): string[] {
  const columns = target === "experiment" ? EXPERIMENT_COLUMNS : OBSERVATION_COLUMNS;
  const datasetIds: string[] = [];
  filters.forEach((filter, index) => {
    const at = `filter[${index}]`;
    const rule = Object.hasOwn(columns, filter.column) ? columns[filter.column] : undefined;
    if (!rule) {
      throw invalid(`Filter column "${filter.column}" is not supported for target ${target}`, {
        field: `${at}.column`,
        column: filter.column,
        allowedValues: Object.keys(columns),
      });
    }
    if (filter.type !== rule.type) {
      throw invalid(`Filter column "${filter.column}" takes filters of type ${rule.type}`, {
        field: `${at}.type`,
        column: filter.column,
        value: filter.type,
        allowedValues: [rule.type],
      });
    }
    if (filter.type !== "stringOptions") return;
    if (filter.value.length === 0) throw invalid(`Filter on "${filter.column}" needs at least one value`, { field: `${at}.value`, column: filter.column });
    const allowed = rule.values;
    const invalidValues = allowed ? filter.value.filter((value) => !allowed.includes(value)) : [];
    if (allowed && invalidValues.length > 0) {
      throw invalid(`Invalid values for filter column "${filter.column}": ${invalidValues.join(", ")}`, {
        field: `${at}.value`,
        column: filter.column,
        invalidValues,
        allowedValues: allowed,
      });
    }
    if (filter.column === "datasetId") datasetIds.push(...filter.value);
  });
  return [...new Set(datasetIds)];
}

/** The dataset ids a filter named that are no datasets of the project. */
export function unknownDatasets(missing: string[]): InvalidEvalRequestError {
  return invalid(`Unknown dataset ids in filter column "datasetId": ${missing.join(", ")}`, { field: "filter", column: "datasetId", invalidValues: missing });
}
