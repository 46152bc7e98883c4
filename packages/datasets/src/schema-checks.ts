import { compileJsonSchema } from "@wick/contracts";

type Validate = ReturnType<typeof compileJsonSchema>;

/** One failure of a value against a schema, as upstream reports it. */
export interface SchemaError {
  path: string;
  message: string;
  keyword: string;
}

const MAX_COMPILED = 256;

/**
 * Compiled dataset schemas by their JSON text: every item write checks against its dataset's
 * schemas, and compiling costs far more than checking. Bounded, oldest first out.
 */
export class SchemaChecks {
  private readonly compiled = new Map<string, Validate>();

  /** The errors of a value against a schema (null: no schema, so none), or undefined when it matches. */
  errors(schema: unknown, value: unknown): SchemaError[] | undefined {
    if (schema === null || typeof schema !== "object") return undefined;
    const validate = this.validator(schema);
    if (validate(value)) return undefined;
    return (validate.errors ?? []).map((error) => ({
      path: error.instancePath || "/",
      message: error.message ?? "Validation failed",
      keyword: error.keyword,
    }));
  }

  private validator(schema: object): Validate {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = compileJsonSchema(schema);
      if (this.compiled.size >= MAX_COMPILED) this.compiled.delete(this.compiled.keys().next().value!);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
