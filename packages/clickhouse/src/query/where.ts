import { instantFromText } from "./time.ts";

/** The condition every tracing read starts with: one project's rows, bound as `projectId`. */
export const IN_PROJECT = "project_id = {projectId:String}";

/**
 * Builds a WHERE clause from fixed SQL fragments with `{name:Type}` placeholders; values only ever
 * travel as bound parameters.
 */
export class Where {
  private readonly conditions: string[] = [];
  readonly params: Record<string, unknown> = {};

  constructor(projectId: string) {
    this.add(IN_PROJECT, { projectId });
  }

  add(condition: string, params: Record<string, unknown> = {}): this {
    this.conditions.push(condition);
    Object.assign(this.params, params);
    return this;
  }

  /** `column = value` when the value was given. */
  equals(column: string, name: string, value: string | undefined): this {
    return value === undefined ? this : this.add(`${column} = {${name}:String}`, { [name]: value });
  }

  /** `column IN values` when a non-empty list was given. */
  anyOf(column: string, name: string, values: string[] | undefined): this {
    return values?.length ? this.add(`${column} IN {${name}:Array(String)}`, { [name]: values }) : this;
  }

  /** `from <= column < to`, each bound only when given (ISO 8601 with a timezone). */
  between(column: string, name: string, from: string | undefined, to: string | undefined): this {
    if (from) this.add(`${column} >= ${instantFromText(`{${name}From:String}`)}`, { [`${name}From`]: from });
    if (to) this.add(`${column} < ${instantFromText(`{${name}To:String}`)}`, { [`${name}To`]: to });
    return this;
  }

  /** Whether a condition beyond the project's was added. */
  get narrowed(): boolean {
    return this.conditions.length > 1;
  }

  toString(): string {
    return this.conditions.join(" AND ");
  }
}
