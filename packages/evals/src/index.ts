export { Evaluators, type EvaluatorOptions } from "./evaluators.ts";
export { EvaluatorConnectionGuard } from "./deletion.ts";
export { codeEvalLanguages } from "./code-evals.ts";
export { CodeEvalsDisabledError, EvalConflictError, EvalNotFoundError, EvaluatorPreflightError, InvalidEvalRequestError } from "./errors.ts";
export { EvaluationRules, MAX_ACTIVE_RULES } from "./rules.ts";
