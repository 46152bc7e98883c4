import { type ClickHouseStore, experimentLinkEvents, type RowDeletes } from "@wick/clickhouse";
import type { GroupCommitWriter, TraceWriteListener } from "@wick/ingestion";

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Keeps the experiment events derived from run items (`experiment_link_events`) in step with
 * their sources: a write round's traces are derived again within the round, and traces whose run
 * items changed on the writer right after the project's queued rounds, so refreshes of a project
 * never overlap. A failed refresh leaves the trace's derived rows stale, never the write undone:
 * the next change of the trace, or the rebuild at start-up, derives them again.
 */
export class ExperimentLinks implements TraceWriteListener {
  constructor(
    private readonly client: ClickHouseStore["client"],
    private readonly rows: RowDeletes,
    private readonly log?: Log,
  ) {}

  async tracesWritten(projectId: string, traceIds: string[]): Promise<void> {
    await this.refresh(projectId, traceIds);
  }

  /** Derives these traces' rows again after their run items changed. */
  linksChanged(writer: GroupCommitWriter, projectId: string, traceIds: string[]): Promise<void> {
    return writer.exclusive(projectId, () => this.refresh(projectId, traceIds));
  }

  /**
   * Derives every linked trace's rows again: after an upgrade from a version without them, and
   * after a crash between a write and its refresh.
   */
  async rebuild(writer: GroupCommitWriter): Promise<void> {
    const started = Date.now();
    let traces = 0;
    for (const projectId of await experimentLinkEvents.linkedProjects(this.client)) {
      const linked = await experimentLinkEvents.linkedTraces(this.client, projectId);
      traces += linked.length;
      await writer.exclusive(projectId, () => this.refresh(projectId, linked));
    }
    if (traces > 0) this.log?.info(`Derived the experiment events of ${traces} linked traces in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  private async refresh(projectId: string, traceIds: string[]): Promise<void> {
    try {
      await experimentLinkEvents.refresh(this.client, this.rows, projectId, traceIds);
    } catch (error) {
      this.log?.warn(
        `Could not derive the experiment events of ${traceIds.length} linked traces of project ${projectId}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
