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
