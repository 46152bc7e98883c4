import type { ClickHouseStore, RowDeletes } from "@wick/clickhouse";
import { deleteProjectRows } from "@wick/clickhouse";
import type { GroupCommitWriter } from "@wick/ingestion";
import { deleteProjectMediaObjects } from "@wick/media";
import type { ObjectStore } from "@wick/object-store";
import type { Database, ProjectRepository } from "@wick/postgres";

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Removes the data of projects deleted through the API (auth-admin.md §2.5). The project row,
 * marked deleted by the request, is the record of work left to do: it goes last, in one
 * transaction with every Postgres row of the project, so a purge cut off anywhere (a crash, a store
 * that fails) is simply run again, at start-up or on the next pass, and each step is harmless to
 * repeat. Tracing rows go first, on the writer's exclusive lane for the project, so no write round
 * queued before the delete lands after it.
 */
export class ProjectPurge {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      db: Database;
      projects: ProjectRepository;
      clickhouse: ClickHouseStore["client"];
      rows: RowDeletes;
      writer: GroupCommitWriter;
      objectStore: ObjectStore;
      log?: Log;
    },
  ) {}

  /** Purges one deleted project; a purge of it already under way is joined, not repeated. */
  purge(projectId: string): Promise<void> {
    const current = this.running.get(projectId);
    if (current) return current;
    const run = this.run(projectId).finally(() => this.running.delete(projectId));
    this.running.set(projectId, run);
    return run;
  }

  /** Purges every deleted project still present; a failure is logged and left for the next pass. */
  async purgePending(): Promise<void> {
    for (const projectId of await this.deps.projects.awaitingPurge()) {
      try {
        await this.purge(projectId);
      } catch (error) {
        this.deps.log?.warn(`Could not yet remove the data of deleted project ${projectId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async run(projectId: string): Promise<void> {
    const started = Date.now();
    const { db, projects, rows, writer, objectStore } = this.deps;
    await writer.exclusive(projectId, () => deleteProjectRows(this.deps.clickhouse, rows, projectId));
    const files = await deleteProjectMediaObjects(db, objectStore, projectId);
    await projects.purge(projectId);
    this.deps.log?.info(`Removed the data of deleted project ${projectId} (${files} media files) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}
