import { z } from "zod";

const column = z.string();
const key = z.string();
const numberOperator = z.enum(["=", ">", "<", ">=", "<="]);
const STRING_OPERATORS = ["=", "contains", "does not contain", "starts with", "ends with"] as const;

/**
 * The condition schema the reference shares between its filter parameters, discriminated on
 * `type`. Endpoints differ in whether strings may use `matches`, in how a datetime value is read,
 * and in how many options a list may hold.
 */
function filterConditionSchema<Operator extends string, DateValue extends z.ZodType>(options: {
  stringOperators: readonly [Operator, ...Operator[]];
  datetimeValue: DateValue;
  maxOptions: number;
}) {
  const stringOperator = z.enum(options.stringOperators);
  const list = z.array(z.string()).max(options.maxOptions);
  return z.discriminatedUnion("type", [
    z.object({ type: z.literal("datetime"), column, operator: z.enum([">", "<", ">=", "<="]), value: options.datetimeValue }),
    z.object({ type: z.literal("string"), column, operator: stringOperator, value: z.string() }),
    z.object({ type: z.literal("number"), column, operator: numberOperator, value: z.number() }),
    z.object({ type: z.literal("stringOptions"), column, operator: z.enum(["any of", "none of"]), value: list.min(1) }),
    z.object({ type: z.literal("categoryOptions"), column, key, operator: z.enum(["any of", "none of"]), value: list }),
    z
      .object({ type: z.literal("arrayOptions"), column, operator: z.enum(["any of", "none of", "all of"]), value: list })
      .refine((filter) => filter.operator !== "any of" || filter.value.length > 0, { message: "'any of' needs at least one value", path: ["value"] }),
    z.object({ type: z.literal("stringObject"), column, key, operator: stringOperator, value: z.string() }),
    z.object({ type: z.literal("numberObject"), column, key, operator: numberOperator, value: z.number() }),
    z.object({ type: z.literal("booleanObject"), column, key, operator: z.enum(["=", "<>"]), value: z.boolean() }),
    z.object({ type: z.literal("boolean"), column, operator: z.enum(["=", "<>"]), value: z.boolean() }),
    z.object({ type: z.literal("null"), column, operator: z.enum(["is null", "is not null"]), value: z.literal("") }),
    z.object({
      type: z.literal("positionInTrace"),
      column,
      operator: z.literal("="),
      key: z.enum(["root", "first", "last", "nthFromStart", "nthFromEnd"]),
      value: z.number().int().min(1).optional(),
    }),
  ]);
}

// A cap no real filter reaches; it keeps hostile inputs from producing statements ClickHouse refuses.
const MAX_OPTIONS = 10_000;

/** One condition of the `filter` parameter of the trace and observation reads (`matches` included). */
export const FilterCondition = filterConditionSchema({
  stringOperators: [...STRING_OPERATORS, "matches"],
  datetimeValue: z.string(),
  maxOptions: MAX_OPTIONS,
});

export const FilterConditions = z.array(FilterCondition);
export type FilterCondition = z.infer<typeof FilterCondition>;

/** One filter of a metrics query: no `matches`, and datetimes as dates. */
export const MetricsFilter = filterConditionSchema({ stringOperators: STRING_OPERATORS, datetimeValue: z.coerce.date(), maxOptions: MAX_OPTIONS });
export type MetricsFilter = z.infer<typeof MetricsFilter>;

/**
 * A filter of a dashboard or widget (resources.md §9.2): the same conditions, no `matches`, and
 * datetimes as ISO strings, since they are stored as the client sent them.
 */
export const DashboardFilter = filterConditionSchema({ stringOperators: STRING_OPERATORS, datetimeValue: z.iso.datetime({ offset: true }), maxOptions: MAX_OPTIONS }).meta({
  id: "unstableDashboardWidgetFilter",
});
export type DashboardFilter = z.infer<typeof DashboardFilter>;
