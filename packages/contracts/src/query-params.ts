import { z } from "zod";

const emptyAsAbsent = (value: unknown) => (value === "" ? undefined : value);

/** `page`: an integer ≥ 1, default 1; an empty value means the default. */
export const PageParam = z.preprocess(emptyAsAbsent, z.coerce.number().int().min(1).default(1));

/** `limit`: 1–100, default 50; an empty value means the default. */
export const LimitParam = z.preprocess(emptyAsAbsent, z.coerce.number().int().min(1).max(100).default(50));

/** A string or repeated parameter, with single strings split on commas ("any of" lists). */
export const CommaListParam = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? undefined : (Array.isArray(value) ? value : value.split(",")).map((item) => item.trim()).filter((item) => item.length > 0)));

/** ISO 8601 with a time part and a timezone, as every read endpoint requires. */
export const DateTimeParam = z.iso.datetime({ offset: true }).optional();

/** `{page, limit, totalItems, totalPages}` of the page-based list endpoints. */
export const PageMeta = z.object({ page: z.number().int(), limit: z.number().int(), totalItems: z.number().int(), totalPages: z.number().int() }).meta({ id: "utilsMetaResponse" });

export function pageMeta(page: number, limit: number, totalItems: number) {
  return { page, limit, totalItems, totalPages: Math.ceil(totalItems / limit) };
}
