import type { EvaluationRuleTarget, MappingSource, ReadMapping } from "@wick/contracts";

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9_]*)\}\}/g;

/** A prompt's `{{variable}}` names, first occurrence first, each once. */
export function promptVariables(prompt: string): string[] {
  return [...new Set(Array.from(prompt.matchAll(PLACEHOLDER), (match) => match[1]!))];
}

/** What a code evaluator is handed, in the order the reference lists it, with where each comes from. */
const CODE_PAYLOAD: [string, MappingSource][] = [
  ["input", "input"],
  ["output", "output"],
  ["metadata", "metadata"],
  ["toolCalls", "tool_calls"],
  ["experimentItemExpectedOutput", "expected_output"],
  ["experimentItemMetadata", "experiment_item_metadata"],
];

export const CODE_VARIABLES = CODE_PAYLOAD.map(([variable]) => variable);

/** The sources a mapping may use on a rule of this target. */
export function sourcesFor(target: EvaluationRuleTarget): MappingSource[] {
  const observation: MappingSource[] = ["input", "output", "metadata", "tool_calls"];
  return target === "experiment" ? [...observation, "expected_output", "experiment_item_metadata"] : observation;
}

/** The fixed mapping a code evaluator runs with: the payload fields the target has. */
export function codeMapping(target: EvaluationRuleTarget): ReadMapping[] {
  const sources = new Set(sourcesFor(target));
  return CODE_PAYLOAD.filter(([, source]) => sources.has(source)).map(([variable, source]) => ({ variable, source }));
}
