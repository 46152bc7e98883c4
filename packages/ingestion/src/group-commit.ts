import type { EntityEvent } from "./events.ts";

interface Pending {
  events: EntityEvent[];
  projects: Set<string>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Work on one project that must not overlap a write round of it, such as a delete. */
interface Exclusive {
  projectId: string;
  task: () => Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const isExclusive = (item: Pending | Exclusive): item is Exclusive => "task" in item;

export interface GroupCommitOptions {
  /** Upper bound of events written in one round; larger waits are split. */
  maxEventsPerRound: number;
  /**
   * True for a failure that retrying a smaller round cannot cure, such as an unreachable store:
   * the whole round fails at once instead of being split.
   */
  failsEveryRound?: (error: unknown) => boolean;
}

/**
 * Group commit: requests that arrive while a round is being written wait for the next round and
 * share it, so a burst of small requests becomes a few large inserts. A request's promise settles
 * only when its events are on disk and merged; nothing is held only in memory.
 *
 * Exclusive tasks are ordered per project: one runs after every write and task of its project
 * queued before it, and before those queued after; other projects' rounds go on meanwhile.
 */
export class GroupCommitWriter {
  private queue: Array<Pending | Exclusive> = [];
  /** The projects of the round being written, if one is. */
  private round: Set<string> | undefined;
  /** Projects with an exclusive task running. */
  private readonly tasks = new Set<string>();
  private idle: Array<() => void> = [];
  private closed = false;

  private readonly options: GroupCommitOptions;

  constructor(
    private readonly writeRound: (events: EntityEvent[]) => Promise<void>,
    options: Partial<GroupCommitOptions> = {},
  ) {
    this.options = { maxEventsPerRound: 10_000, ...options };
  }

  write(events: EntityEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the ingestion writer is closed"));
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ events, projects: new Set(events.map((e) => e.projectId)), resolve, reject });
      this.pump();
    });
  }

  /**
   * Runs `task` apart from the writes of `projectId`: after every write of it queued before, before
   * any queued after. A delete run this way cannot interleave with a round that read the entity's
   * events before the delete and would write it back after.
   */
  exclusive(projectId: string, task: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the ingestion writer is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ projectId, task, resolve, reject });
      this.pump();
    });
  }

  /** Stops taking writes and waits until everything already accepted is written. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0 && !this.round && this.tasks.size === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /**
   * Starts what may start, in queue order: the exclusive tasks whose project has nothing before
   * them, and, when no round is being written, a round of the writes whose projects have no
   * exclusive task before them.
   */
  private pump(): void {
    const exclusiveAhead = new Set(this.tasks);
    const writesAhead = new Set(this.round);
    const round: Pending[] | undefined = this.round ? undefined : [];
    let roundEvents = 0;
    // Once a write does not fit, later ones wait too, so that writes keep their order.
    let roundFull = round === undefined;
    const kept: Array<Pending | Exclusive> = [];
    for (const item of this.queue) {
      if (isExclusive(item)) {
        if (!exclusiveAhead.has(item.projectId) && !writesAhead.has(item.projectId)) {
          this.runTask(item);
        } else {
          kept.push(item);
        }
        exclusiveAhead.add(item.projectId);
        continue;
      }
      const free = [...item.projects].every((project) => !exclusiveAhead.has(project));
      if (!roundFull && free && (round!.length === 0 || roundEvents + item.events.length <= this.options.maxEventsPerRound)) {
        round!.push(item);
        roundEvents += item.events.length;
      } else {
        kept.push(item);
        if (free) roundFull = true;
      }
      for (const project of item.projects) writesAhead.add(project);
    }
    this.queue = kept;
    if (round && round.length > 0) this.runRound(round);
    if (this.queue.length === 0 && !this.round && this.tasks.size === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private runTask(item: Exclusive): void {
    this.tasks.add(item.projectId);
    void Promise.resolve()
      .then(item.task)
      .then(item.resolve, item.reject)
      .finally(() => {
        this.tasks.delete(item.projectId);
        this.pump();
      });
  }

  private runRound(round: Pending[]): void {
    this.round = new Set(round.flatMap((pending) => [...pending.projects]));
    void this.settle(round).finally(() => {
      this.round = undefined;
      this.pump();
    });
  }

  /**
   * Writes the requests of a round together. When that fails for a reason a smaller round may not
   * share (something in one request's events), the round is halved and each half written again,
   * so only the request that carries the cause is refused and every other is acknowledged.
   */
  private async settle(round: Pending[]): Promise<void> {
    try {
      await this.writeRound(round.flatMap((pending) => pending.events));
      for (const pending of round) pending.resolve();
    } catch (error) {
      if (round.length === 1 || this.options.failsEveryRound?.(error)) {
        for (const pending of round) pending.reject(error);
        return;
      }
      const half = Math.ceil(round.length / 2);
      await this.settle(round.slice(0, half));
      await this.settle(round.slice(half));
    }
  }
}
