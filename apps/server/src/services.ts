import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { RowDeletes, type ClickHouseStore } from "@wick/clickhouse";
import type { ApiKeyVerifier } from "@wick/auth";
import { BlobStorageIntegrations, BlobExportRunner } from "@wick/blob-exports";
import { AnnotationQueues } from "@wick/annotation-queues";
import { Dashboards, DashboardWidgets } from "@wick/dashboards";
import { codeEvalLanguages, EvaluationRules, EvaluatorConnectionGuard, Evaluators } from "@wick/evals";
import { LlmConnections } from "@wick/llm-connections";
import { DatasetService, RunService } from "@wick/datasets";
import { MediaService, TraceMediaCleanup, TracedMediaExtraction } from "@wick/media";
import type { ObjectStore } from "@wick/object-store";
import { ExperimentReads } from "@wick/experiments";
import { EntityMerger, exclusiveLogHistory, GroupCommitWriter, Intake, SharedLogHistory, TracingDeletes } from "@wick/ingestion";
import { MetricsEngine, ObservationRollups } from "@wick/metrics";
import { LocalWriteGenerations, PromptService, SharedWriteGenerations } from "@wick/prompts";
import { ScoreServices } from "@wick/scores";
import { ModelCatalog } from "@wick/models";
import { OutboundAllowlist } from "@wick/outbound-urls";
import { ENCRYPTION_KEY_HINT, type EncryptionKey, secretsWith } from "@wick/secrets";
import { TracingReads } from "@wick/tracing-reads";
import { ApiKeyRevocations } from "./domain/api-key-revocations.ts";
import { FeedbackIntake } from "./domain/feedback.ts";
import { defaultTierPrices, ObservationPricing } from "./domain/observation-pricing.ts";
import { ExperimentLinks } from "./domain/experiment-links.ts";
import { ObservationRollupInvalidation } from "./domain/observation-rollup-invalidation.ts";
import { RollupUpkeep } from "./domain/rollup-upkeep.ts";
import { ProjectPurge } from "./domain/project-purge.ts";
import { MissingScoreTraceUpkeep } from "./domain/missing-score-trace-upkeep.ts";
import { RetentionSweep } from "./domain/retention-sweep.ts";
import { PromptLinking } from "./domain/prompt-linking.ts";
import type { MediaConfig } from "./config.ts";
import { isStoreUnavailable } from "./errors.ts";
import { openObjectStore } from "./object-store.ts";
import {
  ApiKeyRepository,
  MembershipRepository,
  ObservationRollupDayRepository,
  OrganizationRepository,
  ProjectRepository,
  SettingsRepository,
  UserRepository,
} from "@wick/postgres";
import type { Stores } from "./stores.ts";

export interface Repositories {
  organizations: OrganizationRepository;
  projects: ProjectRepository;
  apiKeys: ApiKeyRepository;
  settings: SettingsRepository;
  users: UserRepository;
  memberships: MembershipRepository;
}

/** Everything the routes use, built once per process from the open stores. */
export interface Services {
  /** The open stores, for shutdown and tests; routes use the services built on them. */
  stores: Stores;
  repositories: Repositories;
  verifier: ApiKeyVerifier;
  /** Every route that deletes keys tells this, so that they stop working on every instance. */
  keyRevocations: ApiKeyRevocations;
  /** Checks and writes tracing data from every API that takes it (ingestion, OTLP, scores). */
  intake: Intake;
  /** The writer behind intake and deletes: durable and merged when its promise resolves; closed at shutdown. */
  ingestion: GroupCommitWriter;
  /** Deletes of traces and scores, ordered against the writer's rounds. */
  deletes: TracingDeletes;
  /** Applies what deletes left pending; closed after the writer. */
  rowDeletes: RowDeletes;
  reads: TracingReads;
  /** Experiments and experiment items, read from the experiment events in ClickHouse. */
  experiments: ExperimentReads;
  /** Product feedback, forwarded to a webhook when one is configured. */
  feedback: FeedbackIntake;
  metrics: MetricsEngine;
  /** Builds the observation day rollups in passes the server runs (tests run passes themselves). */
  rollupUpkeep: RollupUpkeep;
  prompts: PromptService;
  /** Datasets and their versioned items. */
  datasets: DatasetService;
  /** Dataset runs (Postgres) and their items (ClickHouse). */
  datasetRuns: RunService;
  /** Where media bytes live; the local store's signed URLs are served by Wick. */
  objectStore: ObjectStore;
  /** Media announcements, upload reports and download URLs. */
  media: MediaService;
  /** Set when files embedded in OTLP spans are extracted into the object store (`LANGFUSE_OTEL_MEDIA_UPLOAD_ENABLED`). */
  otelMedia?: TracedMediaExtraction;
  /** Score configs (and the check of scores against them), comments, score reads and deletes. */
  scores: ScoreServices;
  /** Model definitions and prices; matches observation model names (cached per project). */
  models: ModelCatalog;
  /** Projects' scheduled exports to buckets of their own; their secrets are sealed with `ENCRYPTION_KEY`. */
  blobStorage: BlobStorageIntegrations;
  /** Removes tracing data older than its project's retention, in passes the server runs. */
  retention: RetentionSweep;
  /** Forgets the noted missing traces of scores once the traces arrive, in passes the server runs. */
  missingScoreTraces: MissingScoreTraceUpkeep;
  /** Removes the data of deleted projects: after each delete, and in passes the server runs. */
  projectPurge: ProjectPurge;
  /** Annotation queues, their items, and the organization members assigned to them. */
  annotationQueues: AnnotationQueues;
  dashboards: Dashboards;
  dashboardWidgets: DashboardWidgets;
  /** Projects' LLM connections; their keys and header values are sealed with `ENCRYPTION_KEY`. */
  llmConnections: LlmConnections;
  evaluators: Evaluators;
  evaluationRules: EvaluationRules;
  /** Runs the integrations' exports on schedule once `start`ed (the server does; tests run passes themselves). */
  blobExports: BlobExportRunner;
  salt: string;
  adminApiKey?: string;
  version: string;
  /** Which store, if any, does not answer a ping, Postgres first: what health checks report. */
  unavailableStore(): Promise<"Postgres" | "ClickHouse" | undefined>;
  /** Set when the process starts shutting down, so readiness checks stop sending traffic. */
  lifecycle: { shuttingDown: boolean };
}

export interface ServiceOptions {
  salt?: string;
  /** Seals stored secrets; without one, requests that would store a secret are refused. */
  encryptionKey?: EncryptionKey;
  /** Private or internal blob storage endpoints the operator allows; none by default. */
  blobStorageEndpointAllowlist?: OutboundAllowlist;
  /** Private or internal LLM connection base URLs the operator allows; none by default. */
  llmConnectionAllowlist?: OutboundAllowlist;
  /** `LANGFUSE_CODE_EVAL_DISPATCHER`: which code evaluator languages may be stored and switched on; none by default. */
  codeEvalDispatcher?: string;
  adminApiKey?: string;
  apiKeyCacheTtlMs: number;
  version: string;
  media: MediaConfig;
  /** Where `POST /feedback` forwards feedback; without one it answers 409, as a self-hosted Langfuse does. */
  feedbackWebhookUrl?: string;
  /**
   * How long a write keeps the days it writes from the metrics day rollups before its insert is
   * done: longer than any insert takes. One minute by default.
   */
  rollupSettleMs?: number;
  log?: { info(message: string): void; warn(message: string): void };
}

const DEFAULT_ROLLUP_SETTLE_MS = 60_000;

/**
 * The salt of the secret-key hashes: `SALT` when set (use Langfuse's to accept its keys), otherwise
 * one generated on the first start and kept in Postgres, so no default secret ships with Wick.
 */
async function resolveSalt(settings: SettingsRepository, configured: string | undefined): Promise<string> {
  return configured ?? settings.getOrCreate("api_key_salt", () => randomBytes(32).toString("hex"));
}

/**
 * The embedded store's entity history, loading in the background: until it is loaded (seconds for
 * millions of logged events) every write round reads the log as on a shared server.
 */
function loadingHistory(client: ClickHouseStore["client"], log: ServiceOptions["log"]) {
  const history = exclusiveLogHistory(client);
  const started = Date.now();
  history.load().then(
    () => log?.info(`Indexed the logged entities in ${((Date.now() - started) / 1000).toFixed(1)} s`),
    (error: unknown) => log?.warn(`Could not index the logged entities, so every write reads the event log: ${error instanceof Error ? error.message : String(error)}`),
  );
  return history;
}

export async function createServices(stores: Stores, options: ServiceOptions): Promise<Services> {
  const { db } = stores.postgres;
  const repositories: Repositories = {
    organizations: new OrganizationRepository(db),
    projects: new ProjectRepository(db),
    apiKeys: new ApiKeyRepository(db),
    settings: new SettingsRepository(db),
    users: new UserRepository(db),
    memberships: new MembershipRepository(db),
  };
  const salt = await resolveSalt(repositories.settings, options.salt);
  const models = new ModelCatalog(db);
  // Only a Postgres server can be shared by several Wick processes; embedded PGlite is this process's alone.
  const prompts = new PromptService(db, {
    generations: stores.postgres.kind === "server" ? new SharedWriteGenerations(stores.postgres) : new LocalWriteGenerations(),
  });
  // Embedded chDB is this process's alone, so it can know which entities have logged events.
  const history = stores.clickhouse.kind === "embedded" ? loadingHistory(stores.clickhouse.client, options.log) : new SharedLogHistory();
  const rollupDays = new ObservationRollupDayRepository(db);
  const rollupInvalidation = new ObservationRollupInvalidation(rollupDays, options.rollupSettleMs ?? DEFAULT_ROLLUP_SETTLE_MS);
  const rowDeletes = new RowDeletes(stores.clickhouse.client, { log: options.log, watchers: [rollupInvalidation] });
  const rollups = new ObservationRollups(stores.clickhouse.client, rollupDays, rowDeletes, {
    onCleanupError: (error) => options.log?.warn(`Could not remove superseded metrics rollups: ${error instanceof Error ? error.message : String(error)}`),
  });
  const metrics = new MetricsEngine(stores.clickhouse.client, rollups);
  const experimentLinks = new ExperimentLinks(stores.clickhouse, rowDeletes, options.log);
  const merger = new EntityMerger(
    stores.clickhouse.client,
    history,
    rowDeletes,
    [new ObservationPricing(models), new PromptLinking(prompts)],
    [experimentLinks],
    [rollupInvalidation],
  );
  const ingestion = new GroupCommitWriter((events) => merger.appendAndMerge(events), { failsEveryRound: isStoreUnavailable });
  experimentLinks.rebuild(ingestion).catch((error: unknown) => {
    options.log?.warn(`Could not derive the experiment events of linked traces: ${error instanceof Error ? error.message : String(error)}`);
  });
  const scores = new ScoreServices(db, stores.clickhouse.client);
  const secrets = secretsWith(options.encryptionKey);
  if (!secrets.available) {
    options.log?.warn(`ENCRYPTION_KEY is not set, so secrets (blob storage credentials, LLM connection keys) cannot be stored. Set it to ${ENCRYPTION_KEY_HINT}.`);
  }
  const endpointAllowlist = options.blobStorageEndpointAllowlist ?? new OutboundAllowlist();
  const objectStore = openObjectStore(options.media.store, repositories.settings);
  const media = new MediaService(db, objectStore, options.media);
  const evalOptions = { codeEvalLanguages: codeEvalLanguages(options.codeEvalDispatcher) };
  const keyRevocations = new ApiKeyRevocations(stores.postgres, repositories.apiKeys, { salt, cacheTtlMs: options.apiKeyCacheTtlMs });
  return {
    stores,
    repositories,
    verifier: keyRevocations.verifier,
    keyRevocations,
    intake: new Intake(ingestion, (projectId, batch) => scores.rulesFor(projectId, batch)),
    ingestion,
    // Media links live in Postgres: a trace delete removes them, and the media left unlinked.
    deletes: new TracingDeletes(stores.clickhouse.client, ingestion, rowDeletes, [new TraceMediaCleanup(db, objectStore, options.log)]),
    rowDeletes,
    reads: new TracingReads(stores.clickhouse.client, defaultTierPrices(models), (projectId, firstDay, lastDay) => rollups.cleanDays(projectId, firstDay, lastDay)),
    experiments: new ExperimentReads(stores.clickhouse.client),
    feedback: new FeedbackIntake(options.feedbackWebhookUrl),
    metrics,
    rollupUpkeep: new RollupUpkeep(repositories.projects, rollups, options.log),
    prompts,
    datasets: new DatasetService(db),
    datasetRuns: new RunService({ db, clickhouse: stores.clickhouse.client, rowDeletes }, (projectId, traceIds) => experimentLinks.linksChanged(ingestion, projectId, traceIds)),
    objectStore,
    media,
    otelMedia: options.media.extractFromOtel ? new TracedMediaExtraction(media, options.log) : undefined,
    scores,
    models,
    blobStorage: new BlobStorageIntegrations(db, { secrets, endpointAllowlist }),
    annotationQueues: new AnnotationQueues(db, repositories.memberships),
    dashboards: new Dashboards(db),
    dashboardWidgets: new DashboardWidgets(db, metrics),
    llmConnections: new LlmConnections(db, {
      secrets,
      baseUrlAllowlist: options.llmConnectionAllowlist ?? new OutboundAllowlist(),
      deletionListeners: [new EvaluatorConnectionGuard()],
    }),
    evaluators: new Evaluators(db, evalOptions),
    evaluationRules: new EvaluationRules(db, evalOptions),
    retention: new RetentionSweep({
      db,
      projects: repositories.projects,
      clickhouse: stores.clickhouse.client,
      rows: rowDeletes,
      writer: ingestion,
      merger,
      objectStore,
      log: options.log,
    }),
    missingScoreTraces: new MissingScoreTraceUpkeep({ clickhouse: stores.clickhouse.client, rows: rowDeletes, writer: ingestion, log: options.log }),
    projectPurge: new ProjectPurge({
      db,
      projects: repositories.projects,
      clickhouse: stores.clickhouse.client,
      rows: rowDeletes,
      writer: ingestion,
      objectStore,
      log: options.log,
    }),
    blobExports: new BlobExportRunner(db, stores.clickhouse.client, { secrets, endpointAllowlist, scratchDir: join(tmpdir(), "wick-exports"), log: options.log }),
    salt,
    adminApiKey: options.adminApiKey,
    version: options.version,
    lifecycle: { shuttingDown: false },
    unavailableStore: async () => {
      const [postgres, clickhouse] = await Promise.allSettled([stores.postgres.ping(), stores.clickhouse.ping()]);
      return postgres.status === "rejected" ? "Postgres" : clickhouse.status === "rejected" ? "ClickHouse" : undefined;
    },
  };
}
