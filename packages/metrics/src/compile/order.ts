import type { MetricsQuery } from "@wick/contracts";
import { MetricsQueryError } from "../errors.ts";
import type { Selection } from "./selection.ts";

/** SQL aliases of the result columns; response keys are put back after reading (they need no quoting then). */
export const dimensionAlias = (index: number) => `d${index}`;
export const metricAlias = (index: number) => `m${index}`;
export const TIME_ALIAS = "time_dimension";

/**
 * The ORDER BY clause. Without an explicit order: time buckets ascending with gap filling when
 * there is a time dimension, else the first metric descending, else the first dimension
 * ascending; dimensions break ties so equal rows come in a stable order. An explicit order names
 * dimensions, `time_dimension` or `<aggregation>_<measure>` of a requested metric (not a
 * histogram), and turns gap filling off. `time` is given when there is a time dimension.
 */
export function orderByClause(selection: Selection, orderBy: MetricsQuery["orderBy"], time: { fill: string } | undefined): string {
  const dimensions = selection.dimensions.map((_, index) => `${dimensionAlias(index)} ASC`);
  if (orderBy && orderBy.length > 0) {
    const aliases = new Map<string, string>(selection.dimensions.map((d, index) => [d.name, dimensionAlias(index)]));
    if (time) aliases.set(TIME_ALIAS, TIME_ALIAS);
    selection.metrics.forEach((metric, index) => {
      if (metric.aggregation !== "histogram") aliases.set(metric.key, metricAlias(index));
    });
    const terms = orderBy.map(({ field, direction }) => {
      const alias = aliases.get(field);
      if (!alias) throw new MetricsQueryError(`Invalid orderBy field: ${field}. Must be one of the dimension or metric fields.`);
      return `${alias} ${direction === "asc" ? "ASC" : "DESC"}`;
    });
    return `ORDER BY ${terms.join(", ")}`;
  }
  if (time) return `ORDER BY ${[`${TIME_ALIAS} ASC ${time.fill}`, ...dimensions].join(", ")}`;
  if (selection.metrics.length > 0) return `ORDER BY ${[`${metricAlias(0)} DESC`, ...dimensions].join(", ")}`;
  return dimensions.length > 0 ? `ORDER BY ${dimensions.join(", ")}` : "";
}
