const DECIMAL = /^-?\d+$/;

/**
 * A 64-bit integer as OTLP carries it: a decimal string (OTLP/JSON, and protobuf after decoding),
 * a JSON number, or `{low, high}` 32-bit halves (protobufjs `Long` objects and their JSON form).
 * Anything else, including `"1.7e18"`, is not an integer and gives undefined.
 */
export function readInt64(value: unknown): bigint | undefined {
  if (typeof value === "string") return DECIMAL.test(value) ? BigInt(value) : undefined;
  if (typeof value === "number") return Number.isFinite(value) ? BigInt(Math.trunc(value)) : undefined;
  if (typeof value === "bigint") return value;
  if (value !== null && typeof value === "object") {
    const { low, high, unsigned } = value as { low?: unknown; high?: unknown; unsigned?: unknown };
    if (typeof low !== "number" || typeof high !== "number") return undefined;
    const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
    return unsigned === true ? bits : BigInt.asIntN(64, bits);
  }
  return undefined;
}
