import type { DashboardFilter, MetricsQuery, WidgetChartType, WidgetMetric } from "@wick/contracts";

/** Charts drawn over time: their query buckets by a time dimension. */
const TIME_SERIES = new Set<WidgetChartType>(["LINE_TIME_SERIES", "AREA_TIME_SERIES", "BAR_TIME_SERIES"]);

export interface WidgetDefinition {
  view: MetricsQuery["view"];
  dimensions: Array<{ field: string }>;
  metrics: WidgetMetric[];
  filters: DashboardFilter[];
  chartType: WidgetChartType;
  chartConfig: { row_limit?: number; bins?: number };
}

/**
 * The metrics query a widget stands for, over a window: what the engine checks a widget against
 * and what running it reads. Charts of totals rank their groups by the first metric, largest
 * first, as a top-N chart does; the v2 engine also needs that order for high-cardinality groups.
 */
export function widgetQuery(widget: WidgetDefinition, window: { fromTimestamp: string; toTimestamp: string }): MetricsQuery {
  const first = widget.metrics[0];
  const ranked = !TIME_SERIES.has(widget.chartType) && widget.dimensions.length > 0 && first !== undefined;
  const config = {
    ...(widget.chartConfig.bins === undefined ? {} : { bins: widget.chartConfig.bins }),
    ...(widget.chartConfig.row_limit === undefined ? {} : { row_limit: widget.chartConfig.row_limit }),
  };
  return {
    view: widget.view,
    dimensions: widget.dimensions.map(({ field }) => ({ field })),
    metrics: widget.metrics.map(({ measure, agg }) => ({ measure, aggregation: agg })),
    filters: widget.filters.map((filter) => (filter.type === "datetime" ? { ...filter, value: new Date(filter.value) } : filter)),
    timeDimension: TIME_SERIES.has(widget.chartType) ? { granularity: "auto" } : null,
    fromTimestamp: window.fromTimestamp,
    toTimestamp: window.toTimestamp,
    orderBy: ranked ? [{ field: `${first.agg}_${first.measure}`, direction: "desc" }] : null,
    ...(Object.keys(config).length > 0 ? { config } : {}),
  };
}
