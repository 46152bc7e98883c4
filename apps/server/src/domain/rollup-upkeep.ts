import type { ObservationRollups } from "@wick/metrics";
import type { ProjectRepository } from "@wick/postgres";

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Keeps the observation day rollups built ahead of the reads that use them (the metrics engine,
 * the totals of `GET /observations`): each pass builds, for every live project, the days that
 * have settled since a write or delete touched them. A read finds most days clean instead of
 * counting them raw or building them while the client waits.
 */
export class RollupUpkeep {
  private running?: Promise<void>;
  private readonly stopping = new AbortController();
  private passes = 0;

  constructor(
    private readonly projects: ProjectRepository,
    private readonly rollups: ObservationRollups,
    private readonly log?: Log,
  ) {}

  /** One pass over every live project; a pass already running is joined, not repeated. */
  pass(): Promise<void> {
    this.running ??= this.passOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Ends the pass after the day it is building, and waits for it. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async passOnce(): Promise<void> {
    const started = performance.now();
    let built = 0;
    for (const projectId of await this.projects.liveIds()) {
      if (this.stopping.signal.aborted) return;
      try {
        built += await this.rollups.catchUp(projectId, this.stopping.signal);
      } catch (error) {
        this.log?.warn(`Could not build the observation rollups of project ${projectId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // The first pass says when the rollups are current, so operators (and benchmarks) know.
    if (built > 0 || this.passes++ === 0) this.log?.info(`Observation rollups are current: built ${built} days in ${Math.round(performance.now() - started)} ms`);
  }
}
