export { Dashboards } from "./service.ts";
export { DashboardConflictError, DashboardNotFoundError, InvalidDashboardRequestError } from "./errors.ts";
