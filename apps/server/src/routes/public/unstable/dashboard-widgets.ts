import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CreateDashboardWidgetRequest,
  DashboardListQuery,
  DashboardWidget,
  DashboardWidgetDataQuery,
  DashboardWidgetList,
  DashboardWidgetParams,
  DeleteDashboardWidgetResponse,
  MetricsV2Response,
  UnstableError,
  UpdateDashboardWidgetRequest,
} from "@wick/contracts";
import { projectIdOf } from "../../../plugins/public-auth.ts";
import type { Services } from "../../../services.ts";

const errors = { 400: UnstableError, 401: UnstableError, 403: UnstableError, 404: UnstableError };
const tags = ["UnstableDashboardWidgets"];

/** `/unstable/dashboard-widgets`: a project's charts, each a metrics query and how it is drawn (resources.md §9.3). */
export const dashboardWidgetRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { dashboardWidgets } = services;

  app.get(
    "/dashboard-widgets",
    {
      schema: {
        description: "List dashboard widgets in the project, most recently updated first.",
        operationId: "unstable_dashboardWidgets_list",
        tags,
        querystring: DashboardListQuery,
        response: { 200: DashboardWidgetList, ...errors },
      },
    },
    async (request) => dashboardWidgets.list(projectIdOf(request), request.query.page, request.query.limit),
  );

  app.post(
    "/dashboard-widgets",
    {
      schema: {
        description: "Create a dashboard widget. Its query (view, dimensions, metrics, filters) is accepted exactly when the metrics engine can run it.",
        operationId: "unstable_dashboardWidgets_create",
        tags,
        body: CreateDashboardWidgetRequest,
        response: { 200: DashboardWidget, ...errors },
      },
    },
    async (request) => dashboardWidgets.create(projectIdOf(request), request.body),
  );

  app.get(
    "/dashboard-widgets/:widgetId",
    {
      schema: {
        description: "Get a dashboard widget by id.",
        operationId: "unstable_dashboardWidgets_get",
        tags,
        params: DashboardWidgetParams,
        response: { 200: DashboardWidget, ...errors },
      },
    },
    async (request) => dashboardWidgets.get(projectIdOf(request), request.params.widgetId),
  );

  app.patch(
    "/dashboard-widgets/:widgetId",
    {
      schema: {
        description:
          "Update a dashboard widget: the fields given are merged over the stored widget, which is then checked whole. A new chart type without a config gets that type's defaults.",
        operationId: "unstable_dashboardWidgets_update",
        tags,
        params: DashboardWidgetParams,
        body: UpdateDashboardWidgetRequest,
        response: { 200: DashboardWidget, ...errors },
      },
    },
    async (request) => dashboardWidgets.update(projectIdOf(request), request.params.widgetId, request.body),
  );

  app.delete(
    "/dashboard-widgets/:widgetId",
    {
      schema: {
        description: "Delete a dashboard widget; 409 while a dashboard of the project places it.",
        operationId: "unstable_dashboardWidgets_delete",
        tags,
        params: DashboardWidgetParams,
        response: { 200: DeleteDashboardWidgetResponse, 409: UnstableError, ...errors },
      },
    },
    async (request) => dashboardWidgets.delete(projectIdOf(request), request.params.widgetId),
  );

  app.get(
    "/dashboard-widgets/:widgetId/data",
    {
      schema: {
        description:
          "Wick's own: the rows of the widget's query over a window, the same rows `GET /api/public/v2/metrics` answers for that query (charts of totals rank their groups by the first metric, largest first).",
        operationId: "unstable_dashboardWidgets_data",
        tags,
        params: DashboardWidgetParams,
        querystring: DashboardWidgetDataQuery,
        response: { 200: MetricsV2Response, ...errors },
      },
    },
    async (request) => dashboardWidgets.run(projectIdOf(request), request.params.widgetId, request.query),
  );
};
