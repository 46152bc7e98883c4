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

/**
 * The current row of each trace of the project that satisfies `condition` (SQL over `traces`
 * columns with bound parameters): newest version per id first, then the condition, so a trace
 * updated away from a filter value no longer matches it.
 */
export function currentTraces(condition: string): string {
  // Candidates are the traces some version of which matches (cheap: skip indexes narrow them);
  // the condition is then checked again on each candidate's newest version.
  return `SELECT * FROM (
            SELECT * FROM traces
            WHERE project_id = {projectId:String} AND id IN (SELECT id FROM traces WHERE project_id = {projectId:String} AND ${condition})
            ORDER BY merge_version DESC LIMIT 1 BY id)
          WHERE ${condition}`;
}
