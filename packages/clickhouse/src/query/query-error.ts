/** A ClickHouse statement failed; the message starts with the statement's name, then ClickHouse's own. */
export class ClickHouseQueryError extends Error {
  override name = "ClickHouseQueryError";
  /** ClickHouse's error type (`MEMORY_LIMIT_EXCEEDED`, `UNKNOWN_IDENTIFIER`, …) when ClickHouse raised it. */
  readonly type: string | undefined;

  constructor(
    readonly statement: string,
    cause: unknown,
  ) {
    super(`ClickHouse query ${statement} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    const type = (cause as { type?: unknown } | null | undefined)?.type;
    this.type = typeof type === "string" ? type : undefined;
  }
}
