import type { MappingInput, MappingSource } from "@wick/contracts";
import { InvalidEvalRequestError } from "./errors.ts";
import { isJsonPath } from "./json-path.ts";

export interface MappingRules {
  /** The evaluator's variables; each must be mapped exactly once. */
  variables: string[];
  /** The sources the target offers. */
  sources: MappingSource[];
  /** Where the mapping sits in the body, for `details.field` (`mapping`, `evaluators[0].mapping`). */
  field: string;
}

/**
 * A mapping as the reference checks it, entry by entry and then as a whole: a source the target
 * offers, a variable the evaluator has, each variable once, a parsable JSONPath, nothing left out.
 */
export function checkMapping(mapping: MappingInput[], rules: MappingRules): void {
  const known = new Set(rules.variables);
  const seen = new Set<string>();
  mapping.forEach((entry, index) => {
    const at = `${rules.field}[${index}]`;
    if (!rules.sources.includes(entry.source)) {
      throw new InvalidEvalRequestError(`Source "${entry.source}" cannot be used here; use one of: ${rules.sources.join(", ")}`, {
        code: "invalid_variable_mapping",
        details: { field: `${at}.source`, value: entry.source, allowedValues: rules.sources },
      });
    }
    if (!known.has(entry.variable)) {
      throw new InvalidEvalRequestError(`"${entry.variable}" is not a variable of the evaluator; its variables are: ${rules.variables.join(", ") || "none"}`, {
        code: "invalid_variable_mapping",
        details: { field: `${at}.variable`, variable: entry.variable, allowedValues: rules.variables },
      });
    }
    if (seen.has(entry.variable)) {
      throw new InvalidEvalRequestError(`Variable "${entry.variable}" is mapped more than once`, {
        code: "duplicate_variable_mapping",
        details: { field: `${at}.variable`, variable: entry.variable },
      });
    }
    seen.add(entry.variable);
    if (entry.jsonPath !== undefined && !isJsonPath(entry.jsonPath)) {
      throw new InvalidEvalRequestError(`Invalid JSONPath "${entry.jsonPath}": it must start with $ and be a valid JSONPath expression`, {
        code: "invalid_json_path",
        details: { field: `${at}.jsonPath`, value: entry.jsonPath },
      });
    }
  });
  const missing = missingVariables(mapping, rules.variables);
  if (missing.length > 0) {
    throw new InvalidEvalRequestError(`Missing mappings for evaluator variables: ${missing.join(", ")}`, {
      code: "missing_variable_mapping",
      details: { field: rules.field, variables: missing },
    });
  }
}

export function missingVariables(mapping: { variable: string; source: unknown }[] | null, variables: string[]): string[] {
  const mapped = new Set((mapping ?? []).filter((entry) => entry.source != null).map((entry) => entry.variable));
  return variables.filter((variable) => !mapped.has(variable));
}
