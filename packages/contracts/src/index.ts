export * from "./errors.ts";
export * from "./health.ts";
export * from "./projects.ts";
export * from "./ingestion.ts";
export * from "./organization-management.ts";
export * from "./admin.ts";
export * from "./tracing.ts";
