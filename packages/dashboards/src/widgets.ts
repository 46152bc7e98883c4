import {
  pageMeta,
  type CreateDashboardWidgetRequest,
  type DashboardFilter,
  type DashboardWidget,
  type MetricsQuery,
  type UpdateDashboardWidgetRequest,
  type WidgetChartConfig,
  type WidgetChartType,
  type WidgetMetric,
  type WidgetViewWithLegacy,
} from "@wick/contracts";
import { compileMetricsQuery, type ApiVersion, type MetricsEngine, type MetricsRow, viewFor } from "@wick/metrics";
import { type Database, type DashboardWidgetRow, newCuid } from "@wick/postgres";
import { chartConfigFor } from "./chart-config.ts";
import { DashboardConflictError, DashboardNotFoundError, InvalidDashboardRequestError } from "./errors.ts";
import { type WidgetValues, WidgetRepository } from "./widget-repository.ts";
import { type WidgetDefinition, widgetQuery } from "./widget-query.ts";

type StoredView = DashboardWidgetRow["view"];

const STORED_VIEW: Record<WidgetViewWithLegacy, StoredView> = {
  traces: "TRACES",
  observations: "OBSERVATIONS",
  "scores-numeric": "SCORES_NUMERIC",
  "scores-boolean": "SCORES_BOOLEAN",
  "scores-categorical": "SCORES_CATEGORICAL",
};
const API_VIEW = Object.fromEntries(Object.entries(STORED_VIEW).map(([api, stored]) => [stored, api])) as Record<StoredView, WidgetViewWithLegacy>;

/** Pivot tables are the one chart with more than one dimension, and they have their own bounds. */
const PIVOT_MAX_DIMENSIONS = 2;
const PIVOT_MAX_METRICS = 10;

/** A window for compiling a widget's query when only its validity is asked: any valid one does. */
const CHECK_WINDOW = { fromTimestamp: "2026-01-01T00:00:00.000Z", toTimestamp: "2026-01-02T00:00:00.000Z" };

const STRING_AGGREGATIONS = ["count", "uniq"];

type WidgetState = WidgetDefinition & { name: string; description: string; chartConfig: WidgetChartConfig };

function toWidget(row: DashboardWidgetRow): DashboardWidget {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    name: row.name,
    description: row.description,
    view: API_VIEW[row.view],
    dimensions: row.dimensions as Array<{ field: string }>,
    metrics: row.metrics as WidgetMetric[],
    filters: row.filters as DashboardFilter[],
    chartType: row.chartType as WidgetChartType,
    chartConfig: row.chartConfig as WidgetChartConfig,
  };
}

const notFound = (widgetId: string) => new DashboardNotFoundError(`Dashboard widget ${widgetId} not found`);

/** The API versions whose model declares this view, the newer first. */
const versionsOf = (view: MetricsQuery["view"]): ApiVersion[] => (["v2", "v1"] as const).filter((version) => viewFor(version, view) !== undefined);

/** Why the engine refuses the query in this version's model; undefined when it compiles. */
function compileError(version: ApiVersion, query: MetricsQuery): unknown {
  try {
    compileMetricsQuery("check", version, query);
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * The unstable dashboard widgets API (resources.md §9.3). A widget's query is checked by the
 * metrics engine's own model: a widget is accepted exactly when its query compiles, and running it
 * gives what `GET /api/public/v2/metrics` gives for the same query.
 */
export class DashboardWidgets {
  private readonly repository: WidgetRepository;

  constructor(
    db: Database,
    private readonly metrics: MetricsEngine,
  ) {
    this.repository = new WidgetRepository(db);
  }

  async list(projectId: string, page: number, limit: number) {
    const { rows, total } = await this.repository.page(projectId, page, limit);
    return { data: rows.map(toWidget), meta: pageMeta(page, limit, total) };
  }

  async get(projectId: string, widgetId: string): Promise<DashboardWidget> {
    const row = await this.repository.find(projectId, widgetId);
    if (!row) throw notFound(widgetId);
    return toWidget(row);
  }

  async create(projectId: string, body: CreateDashboardWidgetRequest): Promise<DashboardWidget> {
    const state: WidgetState = { ...body, description: body.description ?? "", chartConfig: chartConfigFor(body.chartType, body.chartConfig) };
    return toWidget(await this.repository.insert(projectId, newCuid(), this.checked(state, 1)));
  }

  async update(projectId: string, widgetId: string, body: UpdateDashboardWidgetRequest): Promise<DashboardWidget> {
    const current = await this.repository.find(projectId, widgetId);
    if (!current) throw notFound(widgetId);
    const stored = toWidget(current);
    if (body.view === undefined && stored.view === "traces") {
      throw new InvalidDashboardRequestError("This widget uses the legacy traces view; set view to change it", {
        details: { field: "view", allowedValues: ["observations", "scores-numeric", "scores-boolean", "scores-categorical"] },
      });
    }
    const chartType = body.chartType ?? stored.chartType;
    // A new chart type without a config starts from that type's defaults.
    const chartConfig =
      body.chartConfig !== undefined ? chartConfigFor(chartType, body.chartConfig) : body.chartType !== undefined ? chartConfigFor(chartType) : stored.chartConfig;
    const state: WidgetState = {
      name: body.name ?? stored.name,
      description: body.description ?? stored.description,
      view: (body.view ?? stored.view) as MetricsQuery["view"],
      dimensions: body.dimensions ?? stored.dimensions,
      metrics: body.metrics ?? stored.metrics,
      filters: body.filters ?? stored.filters,
      chartType,
      chartConfig,
    };
    const row = await this.repository.update(projectId, widgetId, this.checked(state, current.minVersion));
    if (!row) throw notFound(widgetId);
    return toWidget(row);
  }

  async delete(projectId: string, widgetId: string): Promise<{ message: string }> {
    const { deleted, placedOn } = await this.repository.deleteUnlessPlaced(projectId, widgetId);
    if (placedOn.length > 0) throw new DashboardConflictError(`Dashboard widget ${widgetId} is placed on dashboards: ${placedOn.join(", ")}. Remove it from them first.`);
    if (!deleted) throw notFound(widgetId);
    return { message: "Dashboard widget successfully deleted" };
  }

  /** The rows of the widget's query over a window, read as `GET /api/public/v2/metrics` reads them. */
  async run(projectId: string, widgetId: string, window: { fromTimestamp: string; toTimestamp: string }): Promise<{ data: MetricsRow[] }> {
    const row = await this.repository.find(projectId, widgetId);
    if (!row) throw notFound(widgetId);
    const widget = toWidget(row);
    const query = widgetQuery({ ...widget, view: widget.view as MetricsQuery["view"] }, window);
    // The v2 engine when the query compiles there, as every widget made through this API does.
    return { data: await this.metrics.query(projectId, compileError("v2", query) === undefined ? "v2" : "v1", query) };
  }

  /**
   * The widget's values for storing, once its query is known to compile: in the v1 model when it
   * can (`minVersion` 1) unless it already needed v2, else in the v2 model, whose refusal is then
   * the client's 400.
   */
  private checked(state: WidgetState, storedMinVersion: number): WidgetValues {
    this.checkShape(state);
    const query = widgetQuery(state, CHECK_WINDOW);
    const fitsV1 = storedMinVersion < 2 && viewFor("v1", query.view) !== undefined && compileError("v1", query) === undefined;
    if (!fitsV1) {
      const refusal = compileError("v2", query);
      if (refusal !== undefined) throw refusal;
    }
    const minVersion = fitsV1 ? 1 : 2;
    return {
      name: state.name,
      description: state.description,
      view: STORED_VIEW[state.view],
      dimensions: state.dimensions,
      metrics: state.metrics,
      filters: state.filters,
      chartType: state.chartType,
      chartConfig: state.chartConfig,
      minVersion,
    };
  }

  /** Dimension, measure and aggregation names against the view's model, with what it allows; chart-shape bounds. */
  private checkShape(state: WidgetState): void {
    const views = versionsOf(state.view).map((version) => viewFor(version, state.view)!);
    const dimensions = [...new Set(views.flatMap((view) => [...view.dimensions.keys()]))];
    state.dimensions.forEach(({ field }, index) => {
      if (!dimensions.includes(field)) {
        throw new InvalidDashboardRequestError(`Dimension ${field} is not available on the ${state.view} view`, {
          details: { field: `dimensions[${index}].field`, invalidValues: [field], allowedValues: dimensions },
        });
      }
    });
    const measures = new Map(views.flatMap((view) => [...view.measures]));
    state.metrics.forEach(({ measure, agg }, index) => {
      const declared = measures.get(measure);
      if (!declared) {
        throw new InvalidDashboardRequestError(`Measure ${measure} is not available on the ${state.view} view`, {
          details: { field: `metrics[${index}].measure`, invalidValues: [measure], allowedValues: [...measures.keys()] },
        });
      }
      if (declared.type === "string" && !STRING_AGGREGATIONS.includes(agg)) {
        throw new InvalidDashboardRequestError(`Aggregation ${agg} does not apply to measure ${measure}, which is not numeric`, {
          details: { field: `metrics[${index}].agg`, invalidValues: [agg], allowedValues: STRING_AGGREGATIONS },
        });
      }
    });
    if (state.chartType !== "PIVOT_TABLE" && state.dimensions.length > 1) {
      throw new InvalidDashboardRequestError("Only PIVOT_TABLE widgets can have more than one dimension", { details: { field: "dimensions" } });
    }
    if (state.chartType === "PIVOT_TABLE" && state.dimensions.length > PIVOT_MAX_DIMENSIONS) {
      throw new InvalidDashboardRequestError(`A pivot table has at most ${PIVOT_MAX_DIMENSIONS} dimensions`, { details: { field: "dimensions" } });
    }
    if (state.chartType === "PIVOT_TABLE" && state.metrics.length > PIVOT_MAX_METRICS) {
      throw new InvalidDashboardRequestError(`A pivot table has at most ${PIVOT_MAX_METRICS} metrics`, { details: { field: "metrics" } });
    }
  }
}
