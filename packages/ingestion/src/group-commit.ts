import type { EntityEvent } from "./events.ts";

interface Pending {
  events: EntityEvent[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Work that must not overlap a write round, such as a delete: it runs alone, in queue order. */
interface Exclusive {
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
 */
export class GroupCommitWriter {
  private queue: Array<Pending | Exclusive> = [];
  private running: Promise<void> | undefined;
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
      this.queue.push({ events, resolve, reject });
      this.start();
    });
  }

  /**
   * Runs `task` between write rounds: after every write queued before it, before any queued after.
   * A delete run this way cannot interleave with a round that read the entity's events before the
   * delete and would write it back after.
   */
  exclusive(task: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the ingestion writer is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.start();
    });
  }

  /** Stops taking writes and waits until everything already accepted is written. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running) await this.running;
  }

  private start(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.start();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (isExclusive(head)) {
        this.queue.shift();
        await head.task().then(head.resolve, head.reject);
      } else {
        await this.settle(this.takeRound());
      }
    }
  }

  /**
   * Writes the requests of a round together. When that fails for a reason a smaller round may not
   * share (something in one request's events), the round is halved and each half written again,
   * so only the request that carries the cause is refused and every other is acknowledged.
   */
  private async settle(round: Pending[]): Promise<void> {
    try {
      await this.writeRound(round.flatMap((pending) => pending.events));
      round.forEach((pending) => pending.resolve());
    } catch (error) {
      if (round.length === 1 || this.options.failsEveryRound?.(error)) {
        round.forEach((pending) => pending.reject(error));
        return;
      }
      const half = Math.ceil(round.length / 2);
      await this.settle(round.slice(0, half));
      await this.settle(round.slice(half));
    }
  }

  /** The writes at the head of the queue, up to the first exclusive task and the round size. */
  private takeRound(): Pending[] {
    let count = 0;
    let taken = 0;
    while (taken < this.queue.length) {
      const next = this.queue[taken]!;
      if (isExclusive(next) || (taken > 0 && count + next.events.length > this.options.maxEventsPerRound)) break;
      count += next.events.length;
      taken += 1;
    }
    return this.queue.splice(0, taken) as Pending[];
  }
}
