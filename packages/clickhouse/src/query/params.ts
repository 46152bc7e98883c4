/**
 * The most ids a read binds as one array value. A list of ids found by a first statement is bound
 * into the next ones up to this many (a set built from values costs little, and ids given as
 * values go through skip indexes, where a subquery's do not); beyond, the next ones read them by
 * subquery.
 */
export const MOST_BOUND_IDS = 10_000;

/** Collects bound parameters under generated names, so no value ever becomes SQL text. */
export class ParamBag {
  readonly values: Record<string, unknown> = {};
  private next = 0;

  bind(value: unknown, type: string): string {
    const name = `f${this.next++}`;
    this.values[name] = value;
    return `{${name}:${type}}`;
  }
}
