export type StringOperator = "=" | "contains" | "does not contain" | "starts with" | "ends with";

/** A string comparison of `expr` with an already bound value; every comparison is case-sensitive. */
export function stringCondition(expr: string, operator: StringOperator, bound: string): string {
  switch (operator) {
    case "=":
      return `${expr} = ${bound}`;
    case "contains":
      return `position(${expr}, ${bound}) > 0`;
    case "does not contain":
      return `position(${expr}, ${bound}) = 0`;
    case "starts with":
      return `startsWith(${expr}, ${bound})`;
    case "ends with":
      return `endsWith(${expr}, ${bound})`;
  }
}
