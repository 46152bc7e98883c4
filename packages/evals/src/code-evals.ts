import type { SourceCodeLanguage } from "@wick/contracts";
import { CodeEvalsDisabledError, InvalidEvalRequestError } from "./errors.ts";

/**
 * The languages the deployment's code-eval dispatcher runs, as the reference derives them from
 * `LANGFUSE_CODE_EVAL_DISPATCHER`: `aws-lambda` runs both, `insecure-local` TypeScript only, and
 * anything else none (code evals off).
 */
export function codeEvalLanguages(dispatcher: string | undefined): SourceCodeLanguage[] {
  if (dispatcher === "aws-lambda") return ["PYTHON", "TYPESCRIPT"];
  if (dispatcher === "insecure-local") return ["TYPESCRIPT"];
  return [];
}

/** A code evaluator may be stored or switched on only where the dispatcher runs its language. */
export function checkCodeLanguage(languages: readonly SourceCodeLanguage[], language: SourceCodeLanguage): void {
  if (languages.length === 0) throw new CodeEvalsDisabledError();
  if (!languages.includes(language)) {
    throw new InvalidEvalRequestError(`Code evaluators in ${language} are not supported by this deployment`, {
      details: { field: "sourceCodeLanguage", value: language, allowedValues: [...languages] },
    });
  }
}
