export { openPostgres, type Database, type DedicatedConnection, type PostgresStore, type PostgresTarget } from "./connect.ts";
export { InstanceChannel, type InstanceChannelOptions, type ListeningSession } from "./instance-channel.ts";
export { migratePostgres, POSTGRES_MIGRATIONS_DIR } from "./migrate.ts";
export * as schema from "./schema.ts";
export { newCuid } from "./ids.ts";
export type { ApiKeyRow, MembershipRole, OrganizationRow, ProjectRow, UserRow } from "./schema.ts";
export { SettingsRepository } from "./repositories/settings.ts";
export { OrganizationRepository } from "./repositories/organizations.ts";
export { ProjectRepository, type ProjectWithOrganization } from "./repositories/projects.ts";
export { UserRepository } from "./repositories/users.ts";
export { MembershipRepository, type Member, type MembershipChange } from "./repositories/memberships.ts";
export { ObservationRollupDayRepository, type ProjectDay, type RollupBuild, type RollupDayState } from "./repositories/observation-rollup-days.ts";
export { observationRollupDays } from "./metrics-rollups-schema.ts";
export { ApiKeyRepository, type ApiKeyRecord, type NewApiKey } from "./repositories/api-keys.ts";
export { models, pricingTiers, prices, type ModelRow, type PricingTierRow, type PriceRow } from "./models-schema.ts";
export { prompts, promptDependencies, promptWriteGenerations, type PromptRow, type PromptDependencyRow } from "./prompts-schema.ts";
export { scoreConfigs, comments, type ScoreConfigRow, type CommentRow, type ConfigCategoryValue } from "./annotations-schema.ts";
export {
  datasets,
  datasetItems,
  datasetItemStatuses,
  datasetItemWriteGenerations,
  datasetRuns,
  type DatasetRow,
  type DatasetItemRow,
  type DatasetRunRow,
} from "./datasets-schema.ts";
export { media, traceMedia, observationMedia, datasetItemMedia, type MediaRow } from "./media-schema.ts";
export { blobStorageIntegrations, type BlobStorageIntegrationRow } from "./blob-storage-schema.ts";
export { dashboards, dashboardWidgets, type DashboardRow, type DashboardWidgetRow } from "./dashboards-schema.ts";
export { llmApiKeys, type LlmApiKeyRow } from "./llm-connections-schema.ts";
export {
  annotationQueues,
  annotationQueueItems,
  annotationQueueAssignments,
  type AnnotationQueueRow,
  type AnnotationQueueItemRow,
} from "./annotation-queues-schema.ts";
export {
  evaluators,
  evaluatorVersions,
  evaluationRules,
  evaluationRuleAssignments,
  type EvaluatorRow,
  type EvaluatorVersionRow,
  type EvaluationRuleRow,
  type EvaluationRuleAssignmentRow,
} from "./evals-schema.ts";
