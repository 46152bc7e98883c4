import { customType } from "drizzle-orm/pg-core";

/**
 * `json`/`jsonb` columns whose values come back exactly as they were written. Both drivers (pg and
 * PGlite) already decode these types; drizzle's own json columns decode a second time whenever the
 * decoded value is a string, so a stored string `"1"` or `"true"` came back as a number or boolean.
 */
function storedJson<T>(dataType: "json" | "jsonb") {
  return customType<{ data: T; driverData: unknown }>({
    dataType: () => dataType,
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => value as T,
  });
}

export const jsonColumn = <T = unknown>(name: string) => storedJson<T>("json")(name);
export const jsonbColumn = <T = unknown>(name: string) => storedJson<T>("jsonb")(name);
