import { type ClickHouseStore, deleteExpiredRows, deleteSessions, orphanedSessions, type RowDeletes } from "@wick/clickhouse";
import type { EntityMerger, GroupCommitWriter } from "@wick/ingestion";
import { deleteExpiredMedia } from "@wick/media";
import type { ObjectStore } from "@wick/object-store";
import type { Database, ProjectRepository } from "@wick/postgres";

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

const DAY_MS = 86_400_000;

/**
 * Data retention (auth-admin.md §2.12): a project with `retentionDays` loses the tracing data
 * older than that, on each pass the server runs (hourly), so data outlives its retention by an
 * hour at most. Projects without retention keep everything. Postgres data (prompts, datasets) is
 * not tracing data and stays, as in the reference. Sessions go once no trace names them; media
 * files and their rows go with the trace and observation links made before the cutoff.
 */
export class RetentionSweep {
  constructor(
    private readonly deps: {
      db: Database;
      projects: ProjectRepository;
      clickhouse: ClickHouseStore["client"];
      rows: RowDeletes;
      writer: GroupCommitWriter;
      merger: EntityMerger;
      objectStore: ObjectStore;
      now?: () => number;
      log?: Log;
    },
  ) {}

  /** One pass over every project with retention; a project that fails is logged and tried again next pass. */
  async sweep(): Promise<void> {
    const now = this.deps.now?.() ?? Date.now();
    for (const { id, retentionDays } of await this.deps.projects.withRetention()) {
      try {
        const cutoff = new Date(now - retentionDays * DAY_MS);
        await this.expire(id, cutoff);
        // Postgres work, outside the lane: ingestion of the project need not wait for it.
        await deleteExpiredMedia(this.deps.db, this.deps.objectStore, id, cutoff);
      } catch (error) {
        this.deps.log?.warn(`Could not remove the expired data of project ${id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /**
   * On the project's exclusive lane: a round of the project neither reads the events being
   * deleted nor writes a session between the orphan check and its delete.
   */
  private expire(projectId: string, cutoff: Date): Promise<void> {
    const { clickhouse, rows, writer, merger } = this.deps;
    return writer.exclusive(projectId, async () => {
      await deleteExpiredRows(clickhouse, rows, projectId, cutoff);
      const orphaned = await orphanedSessions(clickhouse, projectId);
      await deleteSessions(rows, projectId, orphaned);
      merger.sessionsDeleted(projectId, orphaned);
    });
  }
}
