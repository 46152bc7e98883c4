import { ConflictError, ForbiddenActionError, InvalidRequestError, NotFoundError, UnprocessableError } from "@wick/errors";

/** An evaluator or rule the request describes that cannot be stored as it is (400). */
export class InvalidEvalRequestError extends InvalidRequestError {}

/** No such evaluator or rule in the key's project (404). */
export class EvalNotFoundError extends NotFoundError {}

/** The request clashes with what is stored (409); `code` tells `name_conflict` from `conflict`. */
export class EvalConflictError extends ConflictError {}

/** The deployment does not run code evaluators (403). */
export class CodeEvalsDisabledError extends ForbiddenActionError {
  constructor() {
    super("Code evals are not enabled");
  }
}

/** An evaluator a rule would switch on cannot run with the model it resolves to (422). */
export class EvaluatorPreflightError extends UnprocessableError {
  constructor(message: string, details: { evaluatorName: string; provider?: string; model?: string }) {
    super(message, { code: "evaluator_preflight_failed", details });
  }
}
