export { openPostgres, type Database, type PostgresStore, type PostgresTarget } from "./connect.ts";
export { migratePostgres, POSTGRES_MIGRATIONS_DIR } from "./migrate.ts";
export * as schema from "./schema.ts";
export type { ApiKeyRow, OrganizationRow, ProjectRow } from "./schema.ts";
export { SettingsRepository } from "./repositories/settings.ts";
export { OrganizationRepository } from "./repositories/organizations.ts";
export { ProjectRepository, type ProjectWithOrganization } from "./repositories/projects.ts";
export { ApiKeyRepository, type ApiKeyRecord, type NewApiKey } from "./repositories/api-keys.ts";
