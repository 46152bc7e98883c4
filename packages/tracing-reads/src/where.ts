/**
 * Builds a WHERE clause from fixed SQL fragments with `{name:Type}` placeholders; values only ever
 * travel as bound parameters.
 */
export class Where {
  private readonly conditions: string[] = [];
  readonly params: Record<string, unknown> = {};

  constructor(projectId: string) {
    this.add("project_id = {projectId:String}", { projectId });
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
    if (from) this.add(`${column} >= parseDateTime64BestEffort({${name}From:String}, 3, 'UTC')`, { [`${name}From`]: from });
    if (to) this.add(`${column} < parseDateTime64BestEffort({${name}To:String}, 3, 'UTC')`, { [`${name}To`]: to });
    return this;
  }

  toString(): string {
    return this.conditions.join(" AND ");
  }
}
