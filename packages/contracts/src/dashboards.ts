import { z } from "zod";
import { DashboardFilter } from "./filters.ts";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

/** The home dashboard's tiles the reference ships; a preset placement names one of them. */
export const DASHBOARD_PRESET_IDS = [
  "home-traces",
  "home-model-costs",
  "home-scores-table",
  "home-traces-obs-time-series",
  "home-model-usage",
  "home-users",
  "home-chart-scores",
  "home-latency-table-traces",
  "home-latency-table-generations",
  "home-latency-table-observations",
  "home-generation-latency",
  "home-score-analytics",
] as const;

const Cell = z.number().int().min(0);
const Size = z.number().int().min(1);
const gridShape = { x: Cell, y: Cell, width: Size, height: Size };

/** A tile of the dashboard's 12-column grid: a widget of the project, or one of the presets. */
export const DashboardPlacement = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("widget"), id: z.string().min(1), widgetId: z.string().min(1), ...gridShape }),
    z.strictObject({ type: z.literal("preset"), id: z.string().min(1), presetId: z.string().min(1), ...gridShape }),
  ])
  .meta({ id: "unstableDashboardPlacement" });

export type DashboardPlacement = z.infer<typeof DashboardPlacement>;

export const DashboardDefinition = z.strictObject({ widgets: z.array(DashboardPlacement) }).meta({ id: "unstableDashboardDefinition" });

export type DashboardDefinition = z.infer<typeof DashboardDefinition>;

export const Dashboard = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    name: z.string(),
    description: z.string(),
    definition: DashboardDefinition,
    filters: z.array(DashboardFilter),
  })
  .meta({ id: "unstableDashboard" });

export type Dashboard = z.infer<typeof Dashboard>;

export const DashboardList = z.object({ data: z.array(Dashboard), meta: PageMeta }).meta({ id: "unstableDashboardList" });

export const DashboardListQuery = z.strictObject({ page: PageParam, limit: LimitParam });

/** Strict, and `null` is refused: a field is given or left out (resources.md §10). */
export const CreateDashboardRequest = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    definition: DashboardDefinition.optional(),
    filters: z.array(DashboardFilter).optional(),
  })
  .meta({ id: "unstableCreateDashboardRequest" });

export type CreateDashboardRequest = z.infer<typeof CreateDashboardRequest>;

export const UpdateDashboardRequest = z
  .strictObject({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    definition: DashboardDefinition.optional(),
    filters: z.array(DashboardFilter).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "At least one of name, description, definition or filters is required" })
  .meta({ id: "unstableUpdateDashboardRequest" });

export type UpdateDashboardRequest = z.infer<typeof UpdateDashboardRequest>;

const optionalGrid = { x: Cell.optional(), y: Cell.optional(), width: Size.optional(), height: Size.optional() };

/** Id and position may be left out: the server then makes an id and appends a 6×6 tile below the others. */
export const CreateDashboardPlacementRequest = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("widget"), id: z.string().min(1).optional(), widgetId: z.string().min(1), ...optionalGrid }),
    z.strictObject({ type: z.literal("preset"), id: z.string().min(1).optional(), presetId: z.string().min(1), ...optionalGrid }),
  ])
  .meta({ id: "unstableCreateDashboardPlacementRequest" });

export type CreateDashboardPlacementRequest = z.infer<typeof CreateDashboardPlacementRequest>;

export const UpdateDashboardPlacementRequest = z
  .strictObject(optionalGrid)
  .refine((body) => Object.keys(body).length > 0, { message: "At least one of x, y, width or height is required" })
  .meta({ id: "unstableUpdateDashboardPlacementRequest" });

export type UpdateDashboardPlacementRequest = z.infer<typeof UpdateDashboardPlacementRequest>;

export const DashboardParams = z.object({ dashboardId: z.string() });
export const DashboardPlacementParams = z.object({ dashboardId: z.string(), placementId: z.string() });

export const DeleteDashboardResponse = z.object({ message: z.string() }).meta({ id: "unstableDeleteDashboardResponse" });
export const DeleteDashboardPlacementResponse = z.object({ message: z.string() }).meta({ id: "unstableDeleteDashboardPlacementResponse" });

// ---- widgets (resources.md §9.3) -----------------------------------------------------------------

/** The views a widget may be created with; `traces` only appears on widgets older than this API. */
export const WIDGET_VIEWS = ["observations", "scores-numeric", "scores-boolean", "scores-categorical"] as const;
export const WidgetView = z.enum(WIDGET_VIEWS).meta({ id: "unstableDashboardWidgetView" });
export const WidgetViewWithLegacy = z.enum([...WIDGET_VIEWS, "traces"]).meta({ id: "unstableDashboardWidgetViewWithLegacy" });
export type WidgetViewWithLegacy = z.infer<typeof WidgetViewWithLegacy>;

export const WIDGET_CHART_TYPES = [
  "LINE_TIME_SERIES",
  "AREA_TIME_SERIES",
  "BAR_TIME_SERIES",
  "HORIZONTAL_BAR",
  "VERTICAL_BAR",
  "PIE",
  "NUMBER",
  "HISTOGRAM",
  "PIVOT_TABLE",
] as const;
export const WidgetChartType = z.enum(WIDGET_CHART_TYPES).meta({ id: "unstableDashboardWidgetChartType" });
export type WidgetChartType = z.infer<typeof WidgetChartType>;

export const WidgetDimension = z.strictObject({ field: z.string().min(1) }).meta({ id: "unstableDashboardWidgetDimension" });
export const WidgetMetric = z
  .strictObject({ measure: z.string().min(1), agg: z.enum(["sum", "avg", "count", "max", "min", "p50", "p75", "p90", "p95", "p99", "histogram", "uniq"]) })
  .meta({ id: "unstableDashboardWidgetMetric" });
export type WidgetMetric = z.infer<typeof WidgetMetric>;

const DefaultSort = z.strictObject({ column: z.string(), order: z.enum(["ASC", "DESC"]) }).meta({ id: "unstableDashboardWidgetDefaultSort" });

/**
 * What a client may send as `chartConfig`: `type` defaults to the widget's chart type. Which
 * options a chart type keeps is the service's rule; options of other types are dropped. Not a
 * named component: unknown keys are dropped on input, so its input and output forms differ.
 */
export const WidgetChartConfigInput = z.object({
  type: WidgetChartType.optional(),
  row_limit: z.number().int().min(1).max(1000).optional(),
  show_value_labels: z.boolean().optional(),
  bins: z.number().int().min(1).max(100).optional(),
  defaultSort: DefaultSort.optional(),
});
export type WidgetChartConfigInput = z.infer<typeof WidgetChartConfigInput>;

export const WidgetChartConfig = z
  .object({
    type: WidgetChartType,
    row_limit: z.number().int().optional(),
    show_value_labels: z.boolean().optional(),
    bins: z.number().int().optional(),
    defaultSort: DefaultSort.optional(),
  })
  .meta({ id: "unstableDashboardWidgetChartConfig" });
export type WidgetChartConfig = z.infer<typeof WidgetChartConfig>;

export const DashboardWidget = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    name: z.string(),
    description: z.string(),
    view: WidgetViewWithLegacy,
    dimensions: z.array(WidgetDimension),
    metrics: z.array(WidgetMetric),
    filters: z.array(DashboardFilter),
    chartType: WidgetChartType,
    chartConfig: WidgetChartConfig,
  })
  .meta({ id: "unstableDashboardWidget" });
export type DashboardWidget = z.infer<typeof DashboardWidget>;

export const DashboardWidgetList = z.object({ data: z.array(DashboardWidget), meta: PageMeta }).meta({ id: "unstableDashboardWidgetList" });

const widgetFields = {
  name: z.string().min(1),
  description: z.string(),
  view: WidgetView,
  dimensions: z.array(WidgetDimension),
  metrics: z.array(WidgetMetric).min(1),
  filters: z.array(DashboardFilter),
  chartType: WidgetChartType,
  chartConfig: WidgetChartConfigInput,
};

export const CreateDashboardWidgetRequest = z
  .strictObject({ ...widgetFields, description: widgetFields.description.optional(), chartConfig: widgetFields.chartConfig.optional() })
  .meta({ id: "unstableCreateDashboardWidgetRequest" });
export type CreateDashboardWidgetRequest = z.infer<typeof CreateDashboardWidgetRequest>;

/** Merged over the stored widget, then checked whole as a create would be. */
export const UpdateDashboardWidgetRequest = z
  .strictObject(
    Object.fromEntries(Object.entries(widgetFields).map(([key, schema]) => [key, schema.optional()])) as {
      [Key in keyof typeof widgetFields]: z.ZodOptional<(typeof widgetFields)[Key]>;
    },
  )
  .refine((body) => Object.keys(body).length > 0, { message: "At least one field is required" })
  .meta({ id: "unstableUpdateDashboardWidgetRequest" });
export type UpdateDashboardWidgetRequest = z.infer<typeof UpdateDashboardWidgetRequest>;

export const DashboardWidgetParams = z.object({ widgetId: z.string() });
export const DeleteDashboardWidgetResponse = z.object({ message: z.string() }).meta({ id: "unstableDeleteDashboardWidgetResponse" });

/** Wick's own: the window a widget's data is read for. */
export const DashboardWidgetDataQuery = z.strictObject({
  fromTimestamp: z.iso.datetime({ offset: true }),
  toTimestamp: z.iso.datetime({ offset: true }),
});
