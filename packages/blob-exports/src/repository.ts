import { and, asc, eq, exists, isNull, lt, lte, or } from "drizzle-orm";
import { blobStorageIntegrations, schema, type BlobStorageIntegrationRow, type Database } from "@wick/postgres";
import type { IntegrationSettings } from "./integration-settings.ts";

const { projects } = schema;

/** Projects that are not deleted, of one organization. */
const liveProjectOf = (orgId: string) => and(eq(projects.id, blobStorageIntegrations.projectId), eq(projects.orgId, orgId), isNull(projects.deletedAt));

/** Blob storage integrations in Postgres, one per project, reached through the project's organization. */
export class BlobStorageIntegrationRepository {
  constructor(private readonly db: Database) {}

  /** Runs `work` in one transaction, with a repository bound to it. */
  transaction<T>(work: (repository: BlobStorageIntegrationRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new BlobStorageIntegrationRepository(tx)));
  }

  /**
   * Whether the project is live in the organization; in a transaction it stays so until the end,
   * since a project delete waits for the lock and then removes the project's integration.
   */
  async lockLiveProject(orgId: string, projectId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: projects.id })
      .from(projects)
      .where(and(eq(projects.id, projectId), eq(projects.orgId, orgId), isNull(projects.deletedAt)))
      .for("share");
    return row !== undefined;
  }

  /** The project's integration, locked for the rest of the transaction. */
  async findForUpdate(projectId: string): Promise<BlobStorageIntegrationRow | undefined> {
    const [row] = await this.db.select().from(blobStorageIntegrations).where(eq(blobStorageIntegrations.projectId, projectId)).for("update");
    return row;
  }

  async save(settings: IntegrationSettings): Promise<BlobStorageIntegrationRow> {
    const { projectId: _, createdAt: __, ...changes } = settings;
    const [row] = await this.db.insert(blobStorageIntegrations).values(settings).onConflictDoUpdate({ target: blobStorageIntegrations.projectId, set: changes }).returning();
    return row!;
  }

  /** The organization's integrations, oldest first. */
  async listInOrganization(orgId: string): Promise<BlobStorageIntegrationRow[]> {
    const rows = await this.db
      .select({ integration: blobStorageIntegrations })
      .from(blobStorageIntegrations)
      .innerJoin(projects, liveProjectOf(orgId))
      .orderBy(asc(blobStorageIntegrations.createdAt), asc(blobStorageIntegrations.projectId));
    return rows.map((row) => row.integration);
  }

  async findInOrganization(orgId: string, projectId: string): Promise<BlobStorageIntegrationRow | undefined> {
    const [row] = await this.db
      .select({ integration: blobStorageIntegrations })
      .from(blobStorageIntegrations)
      .innerJoin(projects, liveProjectOf(orgId))
      .where(eq(blobStorageIntegrations.projectId, projectId));
    return row?.integration;
  }

  /** Deletes the project's integration if the project is live in the organization; false when there was none. */
  async deleteInOrganization(orgId: string, projectId: string): Promise<boolean> {
    const deleted = await this.db
      .delete(blobStorageIntegrations)
      .where(and(eq(blobStorageIntegrations.projectId, projectId), exists(this.db.select({ id: projects.id }).from(projects).where(liveProjectOf(orgId)))))
      .returning({ projectId: blobStorageIntegrations.projectId });
    return deleted.length > 0;
  }

  /** The projects whose integration is due: enabled, and never synced or past its next sync. */
  async dueProjects(now: Date): Promise<string[]> {
    const rows = await this.db
      .select({ projectId: blobStorageIntegrations.projectId })
      .from(blobStorageIntegrations)
      .where(and(eq(blobStorageIntegrations.enabled, true), or(isNull(blobStorageIntegrations.lastSyncAt), lte(blobStorageIntegrations.nextSyncAt, now))))
      .orderBy(asc(blobStorageIntegrations.nextSyncAt));
    return rows.map((row) => row.projectId);
  }

  /**
   * Takes the project's due export for this run: marks it started unless another run (of this or
   * another Wick) holds it, one that started before `staleBefore` counting as dead. The row is the
   * lease, so it works alike on embedded PGlite and on a shared Postgres server.
   */
  async claim(projectId: string, now: Date, staleBefore: Date): Promise<BlobStorageIntegrationRow | undefined> {
    const [row] = await this.db
      .update(blobStorageIntegrations)
      .set({ runStartedAt: now })
      .where(
        and(
          eq(blobStorageIntegrations.projectId, projectId),
          eq(blobStorageIntegrations.enabled, true),
          or(isNull(blobStorageIntegrations.lastSyncAt), lte(blobStorageIntegrations.nextSyncAt, now)),
          or(isNull(blobStorageIntegrations.runStartedAt), lt(blobStorageIntegrations.runStartedAt, staleBefore)),
        ),
      )
      .returning();
    return row;
  }

  /** Ends the run that `claim` started at `startedAt`; a run whose lease another took records nothing. */
  async finishRun(projectId: string, startedAt: Date, outcome: Pick<BlobStorageIntegrationRow, "lastSyncAt" | "nextSyncAt" | "lastError" | "lastErrorAt">): Promise<boolean> {
    const updated = await this.db
      .update(blobStorageIntegrations)
      .set({ ...outcome, runStartedAt: null })
      .where(and(eq(blobStorageIntegrations.projectId, projectId), eq(blobStorageIntegrations.runStartedAt, startedAt)))
      .returning({ projectId: blobStorageIntegrations.projectId });
    return updated.length > 0;
  }

  async deleteForProject(projectId: string): Promise<void> {
    await this.db.delete(blobStorageIntegrations).where(eq(blobStorageIntegrations.projectId, projectId));
  }
}
