import type { MetricsAggregation, MetricsQuery } from "@wick/contracts";
import { MetricsQueryError } from "../errors.ts";
import type { Dimension, Measure, View } from "../model/index.ts";
import { assertAggregationValid } from "./aggregation.ts";

export interface SelectedDimension {
  name: string;
  dimension: Dimension;
}

export interface SelectedMetric {
  /** The response key: `<aggregation>_<measure>`. */
  key: string;
  measure: Measure;
  aggregation: MetricsAggregation;
}

export interface Selection {
  /** Requested dimensions (each once), then those a measure added. */
  dimensions: SelectedDimension[];
  metrics: SelectedMetric[];
}

function resolveDimension(view: View, name: string): SelectedDimension {
  const dimension = view.dimensions.get(name);
  if (!dimension) throw new MetricsQueryError(`Invalid dimension ${name}. Must be one of ${[...view.dimensions.keys()].join(", ")}`);
  return { name, dimension };
}

/**
 * The dimensions and metrics of a query, checked against the view: unknown names, aggregations a
 * measure's type does not take, and more than one map expansion are refused. Repeats collapse, as
 * they would name the same response key.
 */
export function selectColumns(view: View, query: MetricsQuery): Selection {
  const dimensions = [...new Set(query.dimensions.map((d) => d.field))].map((name) => resolveDimension(view, name));
  const metrics = new Map<string, SelectedMetric>();
  for (const { measure: name, aggregation } of query.metrics) {
    const measure = view.measures.get(name);
    if (!measure) throw new MetricsQueryError(`Invalid metric ${name}. Must be one of ${[...view.measures.keys()].join(", ")}`);
    assertAggregationValid(name, measure.type, aggregation);
    metrics.set(`${aggregation}_${name}`, { key: `${aggregation}_${name}`, measure, aggregation });
  }
  for (const { measure } of metrics.values()) {
    const required = measure.requiresDimension;
    if (required && !dimensions.some((d) => d.name === required)) dimensions.push(resolveDimension(view, required));
  }
  const expanded = dimensions.filter((d) => d.dimension.pairExpansion).map((d) => d.name);
  if (expanded.length > 1) throw new MetricsQueryError(`Only one pairExpand dimension is supported per query. Found: ${expanded.join(", ")}`);
  return { dimensions, metrics: [...metrics.values()] };
}
