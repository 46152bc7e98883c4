import { type ClickHouseStore, experimentLinkEvents, type RowDeletes } from "@wick/clickhouse";
import type { GroupCommitWriter, TraceWriteListener } from "@wick/ingestion";

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * The projects of an embedded store that have run items (or rows derived from them), once read at
 * start-up. Only this process opens the store, and every run item it writes is announced to
 * `linksChanged`, so a write round of any other project has nothing to derive and needs no lookup,
 * which took about 14 ms of a 170 ms round under load (780 observations).
 * Shared by every app in this process on the store, as the entity history is (tests run several on one).
 */
class LinkedProjects {
  readonly projects = new Set<string>();
  loaded = false;

  /** Whether a round of the project may have traces to derive. */
  mayHaveLinks(projectId: string): boolean {
    return !this.loaded || this.projects.has(projectId);
  }
}

const embeddedLinkedProjects = new WeakMap<ClickHouseStore["client"], LinkedProjects>();

function linkedProjectsOf(store: ClickHouseStore): LinkedProjects | undefined {
  // On a server another instance may link a trace at any moment: every round looks its traces up.
  if (store.kind !== "embedded") return undefined;
  let linked = embeddedLinkedProjects.get(store.client);
  if (!linked) {
    linked = new LinkedProjects();
    embeddedLinkedProjects.set(store.client, linked);
  }
  return linked;
}

/**
 * Keeps the experiment events derived from run items (`experiment_link_events`) in step with
 * their sources: a write round's traces are derived again within the round, and traces whose run
 * items changed on the writer right after the project's queued rounds, so refreshes of a project
 * never overlap. A failed refresh leaves the trace's derived rows stale, never the write undone:
 * the next change of the trace, or the rebuild at start-up, derives them again.
 */
export class ExperimentLinks implements TraceWriteListener {
  private readonly client: ClickHouseStore["client"];
  private readonly linked: LinkedProjects | undefined;

  constructor(
    store: ClickHouseStore,
    private readonly rows: RowDeletes,
    private readonly log?: Log,
  ) {
    this.client = store.client;
    this.linked = linkedProjectsOf(store);
  }

  async tracesWritten(projectId: string, traceIds: string[]): Promise<void> {
    if (this.linked && !this.linked.mayHaveLinks(projectId)) return;
    await this.refresh(projectId, traceIds);
  }

  /**
   * Derives these traces' rows again after their run items changed. The project is known to have
   * links from now on: a round that skipped its lookup just before ran ahead of this refresh, which
   * reads that round's rows.
   */
  linksChanged(writer: GroupCommitWriter, projectId: string, traceIds: string[]): Promise<void> {
    this.linked?.projects.add(projectId);
    return writer.exclusive(projectId, () => this.refresh(projectId, traceIds));
  }

  /**
   * Derives every linked trace's rows again: after an upgrade from a version without them, and
   * after a crash between a write and its refresh.
   */
  async rebuild(writer: GroupCommitWriter): Promise<void> {
    const started = Date.now();
    let traces = 0;
    const projects = await experimentLinkEvents.linkedProjects(this.client);
    if (this.linked) {
      for (const projectId of projects) this.linked.projects.add(projectId);
      this.linked.loaded = true;
    }
    for (const projectId of projects) {
      const traceIds = await experimentLinkEvents.linkedTraces(this.client, projectId);
      traces += traceIds.length;
      await writer.exclusive(projectId, () => this.refresh(projectId, traceIds));
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
