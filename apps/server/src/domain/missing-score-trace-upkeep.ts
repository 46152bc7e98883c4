import { type ClickHouseStore, missingScoreTraces, type RowDeletes } from "@wick/clickhouse";
import type { GroupCommitWriter } from "@wick/ingestion";

interface Log {
  warn(message: string): void;
}

/**
 * Keeps the noted missing traces of scores (`missingScoreTraces`) close to the traces still
 * missing: each pass forgets, in every project with noted ids, the ones whose trace has arrived
 * since, in the project's turn on the writer (retention and trace deletes note traces there too).
 */
export class MissingScoreTraceUpkeep {
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly deps: {
      clickhouse: ClickHouseStore["client"];
      rows: RowDeletes;
      writer: GroupCommitWriter;
      /** The most ids forgotten in one turn of a project (MOST_BOUND_IDS by default). */
      batch?: number;
      log?: Log;
    },
  ) {}

  /** One pass over the projects with noted ids; a pass already running is joined, not repeated. */
  pass(): Promise<void> {
    this.running ??= this.passOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Waits for a running pass to end after its project; later passes do nothing. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async passOnce(): Promise<void> {
    const { clickhouse, rows, writer, batch, log } = this.deps;
    for (const projectId of await missingScoreTraces.projects(clickhouse)) {
      if (this.stopped) return;
      try {
        // A turn per batch of ids, so that the project's ingestion waits for one batch at most.
        let more = true;
        while (more) {
          await writer.exclusive(projectId, async () => {
            more = await missingScoreTraces.forgetArrived(clickhouse, rows, projectId, batch);
          });
        }
      } catch (error) {
        log?.warn(`Could not forget the arrived score traces of project ${projectId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
