export { Dashboards } from "./service.ts";
export { DashboardWidgets } from "./widgets.ts";
export { DashboardConflictError, DashboardNotFoundError, InvalidDashboardRequestError } from "./errors.ts";
