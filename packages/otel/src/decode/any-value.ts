import { readInt64 } from "./int64.ts";

type Record_ = Record<string, unknown>;

const isObject = (value: unknown): value is Record_ => value !== null && typeof value === "object" && !Array.isArray(value);
const KEPT_AS_TEXT = new Set(["NaN", "Infinity", "-Infinity"]);

/**
 * An OTLP `AnyValue` as a plain value, checked in the reference's order: string, double, bool,
 * array, int. Everything else (key-value lists, bytes, empty values, unreadable ints) is kept as the
 * JSON text of the raw value object, so nothing is lost and nothing is guessed.
 */
export function plainValue(value: unknown): unknown {
  if (!isObject(value)) return JSON.stringify(value ?? null);
  if (value.stringValue != null) return value.stringValue;
  if (value.doubleValue != null) {
    const double = value.doubleValue;
    if (typeof double !== "string" || KEPT_AS_TEXT.has(double)) return double;
    const parsed = Number(double);
    return Number.isNaN(parsed) ? double : parsed;
  }
  if (value.boolValue != null) return value.boolValue;
  const array = value.arrayValue;
  if (isObject(array) && Array.isArray(array.values)) return array.values.map(plainValue);
  if (value.intValue != null) {
    const int = readInt64(value.intValue);
    if (int !== undefined) return Number(int);
  }
  return JSON.stringify(value);
}

/**
 * An OTLP attribute list as a record. The last occurrence of a key wins; entries without a string
 * key or without a value object are left out (the reference fails the whole job on those).
 */
export function attributeRecord(list: unknown): Record_ {
  const record: Record_ = {};
  if (!Array.isArray(list)) return record;
  for (const entry of list) {
    if (!isObject(entry) || typeof entry.key !== "string" || !isObject(entry.value)) continue;
    record[entry.key] = plainValue(entry.value);
  }
  return record;
}
