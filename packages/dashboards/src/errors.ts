import { ConflictError, InvalidRequestError, NotFoundError } from "@wick/errors";

/** A dashboard or widget the request describes that cannot be stored as it is (400). */
export class InvalidDashboardRequestError extends InvalidRequestError {}

/** No such dashboard, placement or widget in the key's project (404). */
export class DashboardNotFoundError extends NotFoundError {}

/** The request clashes with what the dashboard holds (409, code `conflict`). */
export class DashboardConflictError extends ConflictError {
  constructor(message: string) {
    super(message, { code: "conflict" });
  }
}
