import type { WidgetChartConfig, WidgetChartConfigInput, WidgetChartType } from "@wick/contracts";
import { InvalidDashboardRequestError } from "./errors.ts";

/** Charts of one value per group rather than a series over time; they take a row limit. */
const TOTAL_VALUE = new Set<WidgetChartType>(["HORIZONTAL_BAR", "VERTICAL_BAR", "PIE", "NUMBER", "HISTOGRAM", "PIVOT_TABLE"]);

const DEFAULT_BINS = 10;

/**
 * A widget's chart config as stored: `type` is the chart type, each option is kept only by the
 * chart types that use it (others are dropped, as the reference does), histograms get their bins.
 */
export function chartConfigFor(chartType: WidgetChartType, input: WidgetChartConfigInput = {}): WidgetChartConfig {
  if (input.type !== undefined && input.type !== chartType) {
    throw new InvalidDashboardRequestError(`chartConfig.type must match chartType (${chartType})`, {
      details: { field: "chartConfig.type", value: input.type, allowedValues: [chartType] },
    });
  }
  return {
    type: chartType,
    ...(TOTAL_VALUE.has(chartType) && input.row_limit !== undefined ? { row_limit: input.row_limit } : {}),
    ...(chartType === "HORIZONTAL_BAR" && input.show_value_labels !== undefined ? { show_value_labels: input.show_value_labels } : {}),
    ...(chartType === "HISTOGRAM" ? { bins: input.bins ?? DEFAULT_BINS } : {}),
    ...(chartType === "PIVOT_TABLE" && input.defaultSort !== undefined ? { defaultSort: input.defaultSort } : {}),
  };
}
