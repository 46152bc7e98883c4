import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CreateDashboardPlacementRequest,
  CreateDashboardRequest,
  Dashboard,
  DashboardList,
  DashboardListQuery,
  DashboardParams,
  DashboardPlacement,
  DashboardPlacementParams,
  DeleteDashboardPlacementResponse,
  DeleteDashboardResponse,
  UnstableError,
  UpdateDashboardPlacementRequest,
  UpdateDashboardRequest,
} from "@wick/contracts";
import { projectIdOf } from "../../../plugins/public-auth.ts";
import type { Services } from "../../../services.ts";

const errors = { 400: UnstableError, 401: UnstableError, 403: UnstableError, 404: UnstableError };
const tags = ["UnstableDashboards"];

/** `/unstable/dashboards`: a project's dashboards and the placements of their grids (resources.md §9.2). */
export const dashboardRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { dashboards } = services;

  app.get(
    "/dashboards",
    {
      schema: {
        description: "List dashboards in the project, most recently updated first.",
        operationId: "unstable_dashboards_list",
        tags,
        querystring: DashboardListQuery,
        response: { 200: DashboardList, ...errors },
      },
    },
    async (request) => dashboards.list(projectIdOf(request), request.query.page, request.query.limit),
  );

  app.post(
    "/dashboards",
    {
      schema: {
        description: "Create a dashboard.",
        operationId: "unstable_dashboards_create",
        tags,
        body: CreateDashboardRequest,
        response: { 200: Dashboard, ...errors },
      },
    },
    async (request) => dashboards.create(projectIdOf(request), request.body),
  );

  app.get(
    "/dashboards/:dashboardId",
    {
      schema: { description: "Get a dashboard by id.", operationId: "unstable_dashboards_get", tags, params: DashboardParams, response: { 200: Dashboard, ...errors } },
    },
    async (request) => dashboards.get(projectIdOf(request), request.params.dashboardId),
  );

  app.patch(
    "/dashboards/:dashboardId",
    {
      schema: {
        description: "Update a dashboard's name, description, definition or filters; a definition or filters given replace the stored ones whole.",
        operationId: "unstable_dashboards_update",
        tags,
        params: DashboardParams,
        body: UpdateDashboardRequest,
        response: { 200: Dashboard, ...errors },
      },
    },
    async (request) => dashboards.update(projectIdOf(request), request.params.dashboardId, request.body),
  );

  app.delete(
    "/dashboards/:dashboardId",
    {
      schema: {
        description: "Delete a dashboard.",
        operationId: "unstable_dashboards_delete",
        tags,
        params: DashboardParams,
        response: { 200: DeleteDashboardResponse, ...errors },
      },
    },
    async (request) => dashboards.delete(projectIdOf(request), request.params.dashboardId),
  );

  app.post(
    "/dashboards/:dashboardId/placements",
    {
      schema: {
        description:
          "Add a placement to a dashboard's grid. Without an id the server makes one; without a position the tile goes below all others, 6×6. A widget must be one of the project's; 409 when the id is taken.",
        operationId: "unstable_dashboards_addPlacement",
        tags,
        params: DashboardParams,
        body: CreateDashboardPlacementRequest,
        response: { 200: DashboardPlacement, 409: UnstableError, ...errors },
      },
    },
    async (request) => dashboards.addPlacement(projectIdOf(request), request.params.dashboardId, request.body),
  );

  app.patch(
    "/dashboards/:dashboardId/placements/:placementId",
    {
      schema: {
        description: "Move or resize a placement; its id and what it shows cannot change.",
        operationId: "unstable_dashboards_updatePlacement",
        tags,
        params: DashboardPlacementParams,
        body: UpdateDashboardPlacementRequest,
        response: { 200: DashboardPlacement, ...errors },
      },
    },
    async (request) => dashboards.updatePlacement(projectIdOf(request), request.params.dashboardId, request.params.placementId, request.body),
  );

  app.delete(
    "/dashboards/:dashboardId/placements/:placementId",
    {
      schema: {
        description: "Remove a placement from a dashboard's grid; the widget it showed stays.",
        operationId: "unstable_dashboards_deletePlacement",
        tags,
        params: DashboardPlacementParams,
        response: { 200: DeleteDashboardPlacementResponse, ...errors },
      },
    },
    async (request) => dashboards.deletePlacement(projectIdOf(request), request.params.dashboardId, request.params.placementId),
  );
};
