/**
 * Exact decimal arithmetic for prices and costs. Prices such as 2.5e-6 have no exact binary form,
 * so multiplying them as floats drifts (0.01 + 0.02 = 0.030000000000000002); a decimal is kept as
 * an integer and a power-of-ten scale instead, and only turned into a float at the end.
 */
export interface Decimal {
  /** value = units × 10^-scale */
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/** Parses a decimal string (as Postgres `numeric` returns it) or a finite number, exactly. */
export function parseDecimal(value: string | number): Decimal {
  if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  // A number's shortest round-trip text is the decimal its author wrote (2.5e-6, not 2.4999…e-6).
  const text = String(value).trim();
  const match = DECIMAL_TEXT.exec(text);
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) throw new SyntaxError(`not a decimal: ${text}`);
  const [, sign, whole = "", fraction = "", exponent = "0"] = match;
  const digits = BigInt(`${whole}${fraction}` || "0");
  const scale = fraction.length - Number(exponent);
  const units = sign === "-" ? -digits : digits;
  return scale >= 0 ? { units, scale } : { units: units * 10n ** BigInt(-scale), scale: 0 };
}

function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

export function addDecimals(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

export function multiplyDecimals(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total: Decimal = { units: 0n, scale: 0 };
  for (const value of values) total = addDecimals(total, value);
  return total;
}

/** Rounds half away from zero to `places` decimals. */
export function roundDecimal(value: Decimal, places: number): Decimal {
  if (value.scale <= places) return value;
  const divisor = 10n ** BigInt(value.scale - places);
  const magnitude = value.units < 0n ? -value.units : value.units;
  const rounded = (magnitude + divisor / 2n) / divisor;
  return { units: value.units < 0n ? -rounded : rounded, scale: places };
}

/** Plain decimal text without exponent or trailing zeros: `0.0000025`, `12`, `-0.5`. */
export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, "0");
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = digits.slice(digits.length - value.scale).replace(/0+$/, "");
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== "0" ? `-${text}` : text;
}

/** The nearest float after rounding to `places` decimals (costs are kept to 12, as in ClickHouse). */
export function decimalToNumber(value: Decimal, places = 12): number {
  return Number(formatDecimal(roundDecimal(value, places)));
}
