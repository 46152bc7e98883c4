/**
 * Float64 query parameters as text. The client refuses to send a number that is an integer beyond
 * ±2^53 (1e308 is one), to protect integer columns from losing precision; a Float64 has none to
 * lose, and ClickHouse reads the shortest round-trip text JavaScript prints back to the same double.
 */
export const float64Param = (value: number): string => String(value);

/** An `Array(Float64)` parameter as its literal text, for the same reason. */
export const float64ArrayParam = (values: number[]): string => `[${values.map(float64Param).join(",")}]`;
