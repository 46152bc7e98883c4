import type { MetricsQuery } from "@wick/contracts";
import { MetricsQueryError } from "../errors.ts";
import type { View } from "../model/index.ts";

/**
 * v2's rule for dimensions that can have a value per entity: allowed only as a top-N query, with
 * no time dimension, an explicit `config.row_limit` and a descending order on a requested measure.
 * It reads the query as sent, before the default row limit is applied; filters are never limited.
 */
export function assertCardinality(view: View, query: MetricsQuery): void {
  const flagged = [...new Set(query.dimensions.map((d) => d.field))].filter((field) => view.dimensions.get(field)?.highCardinality);
  if (flagged.length === 0) return;
  const list = flagged.join(", ");
  if (query.timeDimension) {
    throw new MetricsQueryError(
      `High cardinality dimension(s) '${list}' cannot be used with timeDimension. Time series queries with high cardinality dimensions produce unbounded result sets.`,
    );
  }
  const descending = (query.orderBy ?? []).filter((order) => order.direction === "desc");
  if (query.config?.row_limit === undefined || descending.length === 0) {
    throw new MetricsQueryError(`High cardinality dimension(s) '${list}' require both 'config.row_limit' and 'orderBy' with direction 'desc' on a measure field.`);
  }
  // Looser than the orderBy check that follows: a bare measure name passes here.
  const measures = query.metrics.map((metric) => metric.measure);
  const notMeasures = descending.map((order) => order.field).filter((field) => !measures.some((measure) => field === measure || field.endsWith(`_${measure}`)));
  if (notMeasures.length > 0) {
    throw new MetricsQueryError(
      `High cardinality dimension(s) '${list}' require 'orderBy' with direction 'desc' on a measure field. '${notMeasures.join(", ")}' ${notMeasures.length > 1 ? "are" : "is"} not a measure in this query.`,
    );
  }
}
