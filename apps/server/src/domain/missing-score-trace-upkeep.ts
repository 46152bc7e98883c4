import { type ClickHouseStore, missingScoreTraces, MOST_BOUND_IDS, type RowDeletes } from "@wick/clickhouse";
import type { GroupCommitWriter } from "@wick/ingestion";

interface Log {
  warn(message: string): void;
}

/**
 * Keeps the noted missing traces of scores (`missingScoreTraces`) close to the traces still
 * missing: each pass finds, in every project with noted ids, the ones whose trace has arrived
 * since, and forgets them in the project's turn on the writer (retention and trace deletes note
 * traces there too).
 */
export class MissingScoreTraceUpkeep {
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly deps: {
      clickhouse: ClickHouseStore["client"];
      rows: RowDeletes;
      writer: GroupCommitWriter;
      /** The most ids forgotten in one turn of a project. */
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
    const { clickhouse, rows, writer, batch = MOST_BOUND_IDS, log } = this.deps;
    for (const projectId of await missingScoreTraces.projects(clickhouse)) {
      if (this.stopped) return;
      try {
        // A turn per batch of ids, so that the project's ingestion waits for one batch at most.
        for (;;) {
          const arrived = await missingScoreTraces.arrived(clickhouse, projectId, batch);
          if (arrived.length > 0) await writer.exclusive(projectId, () => missingScoreTraces.forgetStored(clickhouse, rows, projectId, arrived));
          if (arrived.length < batch) break;
        }
      } catch (error) {
        log?.warn(`Could not forget the arrived score traces of project ${projectId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
