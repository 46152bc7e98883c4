import { z } from "zod";

const column = z.string();
const key = z.string();
const stringOperator = z.enum(["=", "contains", "does not contain", "starts with", "ends with", "matches"]);
const numberOperator = z.enum(["=", ">", "<", ">=", "<="]);

/** One condition of the advanced `filter` parameter, discriminated on `type`. */
export const FilterCondition = z.discriminatedUnion("type", [
  z.object({ type: z.literal("datetime"), column, operator: z.enum([">", "<", ">=", "<="]), value: z.string() }),
  z.object({ type: z.literal("string"), column, operator: stringOperator, value: z.string() }),
  z.object({ type: z.literal("number"), column, operator: numberOperator, value: z.number() }),
  z.object({ type: z.literal("stringOptions"), column, operator: z.enum(["any of", "none of"]), value: z.array(z.string()).min(1) }),
  z.object({ type: z.literal("categoryOptions"), column, key, operator: z.enum(["any of", "none of"]), value: z.array(z.string()) }),
  z.object({ type: z.literal("arrayOptions"), column, operator: z.enum(["any of", "none of", "all of"]), value: z.array(z.string()) }),
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

export const FilterConditions = z.array(FilterCondition);
export type FilterCondition = z.infer<typeof FilterCondition>;
