import { Ajv, type ValidateFunction } from "ajv";

/** The longest schema, as JSON text, a dataset takes. */
export const MAX_JSON_SCHEMA_CHARS = 10_000;

/**
 * Compiles a JSON Schema as upstream does: Ajv's default (draft-07) dialect in strict mode, so an
 * unknown keyword makes the schema invalid; `format` is accepted but never checked; validation
 * stops at the first error. A fresh instance each time, so schemas declaring the same `$id` never
 * meet.
 */
export function compileJsonSchema(schema: object): ValidateFunction {
  return new Ajv({ strict: true, allErrors: false, validateFormats: false }).compile(schema);
}

/** Whether a value is a JSON object of acceptable size that compiles as a JSON Schema. */
export function isValidJsonSchema(value: unknown): boolean {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  if (JSON.stringify(value).length > MAX_JSON_SCHEMA_CHARS) return false;
  try {
    compileJsonSchema(value);
    return true;
  } catch {
    return false;
  }
}
