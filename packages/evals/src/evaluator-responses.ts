import type { Evaluator, MappingInput, ModelConfig, OutputDefinition, ReadMapping } from "@wick/contracts";
import type { EvaluatorRow, EvaluatorVersionRow } from "@wick/postgres";
import { CODE_VARIABLES } from "./variables.ts";

export function modelConfigOf(version: EvaluatorVersionRow): ModelConfig | null {
  return version.provider !== null && version.model !== null ? { provider: version.provider, model: version.model } : null;
}

/** A stored mapping as the API shows it: `jsonPath` only where one was given. */
export function readMapping(mapping: unknown[] | null): ReadMapping[] | null {
  if (mapping === null) return null;
  return (mapping as Partial<MappingInput>[]).map((entry) => ({
    variable: entry.variable ?? "",
    source: entry.source ?? null,
    ...(entry.jsonPath == null ? {} : { jsonPath: entry.jsonPath }),
  }));
}

/** The evaluator at its latest version, as every evaluator route answers it. */
export function toEvaluator(evaluator: EvaluatorRow, version: EvaluatorVersionRow, evaluationRuleCount: number): Evaluator {
  const base = {
    id: evaluator.id,
    name: evaluator.name,
    version: version.version,
    evaluationRuleCount,
    createdAt: evaluator.createdAt.toISOString(),
    updatedAt: evaluator.updatedAt.toISOString(),
  };
  if (evaluator.type === "CODE") {
    return { type: "code", ...base, variables: CODE_VARIABLES, mapping: null, sourceCode: version.sourceCode ?? "", sourceCodeLanguage: version.sourceCodeLanguage ?? "PYTHON" };
  }
  return {
    type: "llm_as_judge",
    ...base,
    variables: version.vars,
    mapping: readMapping(version.variableMapping),
    prompt: version.prompt ?? "",
    outputDefinition: version.outputDefinition as OutputDefinition,
    modelConfig: modelConfigOf(version),
  };
}
