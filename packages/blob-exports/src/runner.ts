import type { ClickHouseClient } from "@clickhouse/client";
import { observations, scores, selectRows, traces } from "@wick/clickhouse";
import { exportWindow, type FieldGroup, objectStoreTarget } from "@wick/exports";
import { S3ObjectStore } from "@wick/object-store";
import type { OutboundAllowlist } from "@wick/outbound-urls";
import type { BlobStorageIntegrationRow, Database } from "@wick/postgres";
import type { Secrets } from "@wick/secrets";
import { checkEndpoint } from "./endpoint.ts";
import { nextStep, SOURCE_TABLES } from "./export-window.ts";
import { BlobStorageIntegrationRepository } from "./repository.ts";
import { RUN_TIMEOUT_MS } from "./sync-status.ts";

export interface ExportRunnerOptions {
  secrets: Secrets;
  endpointAllowlist: OutboundAllowlist;
  /** Where files are built before they are uploaded. */
  scratchDir: string;
  log?: { info(message: string): void; warn(message: string): void };
  now?: () => Date;
}

/** A failed run is tried again after this, unless the integration is saved again first. */
const RETRY_AFTER_MS = 10 * 60_000;

/**
 * Runs the projects' scheduled exports (resources.md §8.4): each pass takes every due integration,
 * exports its next window to its bucket, and records how that went. An integration is held by
 * one run at a time through its `run_started_at` lease, across Wick instances sharing Postgres.
 * A run that dies halfway leaves `last_sync_at` where it was: the next run writes the same window
 * under the same keys again, so no row is lost or written twice.
 */
export class BlobExportRunner {
  private readonly integrations: BlobStorageIntegrationRepository;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    db: Database,
    private readonly clickhouse: ClickHouseClient,
    private readonly options: ExportRunnerOptions,
  ) {
    this.integrations = new BlobStorageIntegrationRepository(db);
    this.now = options.now ?? (() => new Date());
  }

  /** Passes every `intervalMs`, none overlapping the one before. */
  start(intervalMs: number): void {
    const tick = () => {
      this.running = this.runDue()
        .catch((error: unknown) => this.options.log?.warn(`Blob storage exports could not run: ${messageOf(error)}`))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  /** Stops passing, after the pass under way. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass: the next window of every due integration. Returns how many windows were written. */
  async runDue(): Promise<number> {
    let written = 0;
    for (const projectId of await this.integrations.dueProjects(this.now())) {
      const startedAt = this.now();
      const row = await this.integrations.claim(projectId, startedAt, new Date(startedAt.getTime() - RUN_TIMEOUT_MS));
      if (row && (await this.run(row, startedAt))) written += 1;
    }
    return written;
  }

  private async run(row: BlobStorageIntegrationRow, startedAt: Date): Promise<boolean> {
    try {
      const step = nextStep(row, row.lastSyncAt || row.exportMode !== "FULL_HISTORY" ? undefined : await this.earliestData(row.projectId), startedAt);
      if (step.kind === "wait") {
        await this.integrations.finishRun(row.projectId, startedAt, {
          lastSyncAt: row.lastSyncAt,
          nextSyncAt: step.nextSyncAt,
          lastError: row.lastError,
          lastErrorAt: row.lastErrorAt,
        });
        return false;
      }
      const { files } = await exportWindow(
        this.clickhouse,
        objectStoreTarget(await this.bucketOf(row)),
        {
          projectId: row.projectId,
          window: { from: step.from, to: step.to },
          tables: SOURCE_TABLES[row.exportSource],
          fileType: fileTypeOf(row),
          compressed: row.compressed,
          prefix: row.prefix,
          exportSource: row.exportSource,
          fieldGroups: row.exportFieldGroups as FieldGroup[],
        },
        this.options.scratchDir,
      );
      await this.integrations.finishRun(row.projectId, startedAt, { lastSyncAt: step.to, nextSyncAt: step.nextSyncAt, lastError: null, lastErrorAt: null });
      this.options.log?.info(`Exported ${files.reduce((sum, file) => sum + file.rowCount, 0)} rows of project ${row.projectId} up to ${step.to.toISOString()}`);
      return true;
    } catch (error) {
      const failedAt = this.now();
      await this.integrations.finishRun(row.projectId, startedAt, {
        lastSyncAt: row.lastSyncAt,
        nextSyncAt: new Date(failedAt.getTime() + RETRY_AFTER_MS),
        lastError: messageOf(error),
        lastErrorAt: failedAt,
      });
      this.options.log?.warn(`Blob storage export of project ${row.projectId} failed: ${messageOf(error)}`);
      return false;
    }
  }

  /** The integration's bucket, its endpoint checked again (a name may resolve elsewhere since it was saved). */
  private async bucketOf(row: BlobStorageIntegrationRow): Promise<S3ObjectStore> {
    if (row.type === "AZURE_BLOB_STORAGE") throw new Error("Wick does not export to Azure Blob Storage; use an S3 or S3-compatible bucket");
    if (row.endpoint) await checkEndpoint(row.endpoint, this.options.endpointAllowlist);
    return new S3ObjectStore({
      bucket: row.bucketName,
      region: row.region,
      endpoint: row.endpoint ?? undefined,
      accessKeyId: row.accessKeyId ?? undefined,
      secretAccessKey: row.secretAccessKey ? this.options.secrets.open(row.secretAccessKey) : undefined,
      forcePathStyle: row.forcePathStyle,
      prefix: "",
    });
  }

  /** The time of the project's oldest trace, observation or score; undefined when it has none. */
  private async earliestData(projectId: string): Promise<Date | undefined> {
    const [row] = await selectRows<{ earliest: string | null }>(this.clickhouse, {
      name: "exports.earliest-data",
      sql: `SELECT min(at) AS earliest FROM (
              SELECT minOrNull(${traces.time}) AS at FROM ${traces.name} WHERE project_id = {projectId:String}
              UNION ALL SELECT minOrNull(${observations.time}) FROM ${observations.name} WHERE project_id = {projectId:String}
              UNION ALL SELECT minOrNull(${scores.time}) FROM ${scores.name} WHERE project_id = {projectId:String}
            )`,
      params: { projectId },
    });
    return row?.earliest ? new Date(`${row.earliest.replace(" ", "T")}Z`) : undefined;
  }
}

/** Parquet is refused when an integration is saved; one stored by another server is refused here. */
function fileTypeOf(row: BlobStorageIntegrationRow): "JSON" | "CSV" | "JSONL" {
  if (row.fileType === "PARQUET") throw new Error("Parquet export is not supported by Wick; choose JSON, CSV or JSONL");
  return row.fileType;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
