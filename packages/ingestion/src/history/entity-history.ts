import type { ClickHouseClient } from "@clickhouse/client";
import { entityKey, type LoggedKeyPosition, rawEvents } from "@wick/clickhouse";
import type { EntityKey } from "../event-log.ts";
import { digestOf, DigestSet } from "./digest-set.ts";

/**
 * Which entities of a write round may have events logged by other rounds, and so need their log
 * read before they are folded. A round's own events are folded from memory.
 */
export interface EntityHistory {
  /**
   * Starts `append` (the round's log write) and resolves, as soon as that is known, with the
   * round's entities that other rounds may have logged events for, and the write itself: those
   * events are readable once `appended` settles. The others can be folded meanwhile.
   */
  appendRound(keys: EntityKey[], append: () => Promise<void>): Promise<StartedRound>;
}

export interface StartedRound {
  withHistory: EntityKey[];
  appended: Promise<void>;
}

/**
 * For a ClickHouse server that several Wick processes may write to: any entity may have events
 * from another process, so every entity's log is read.
 */
export class SharedLogHistory implements EntityHistory {
  async appendRound(keys: EntityKey[], append: () => Promise<void>): Promise<StartedRound> {
    return { withHistory: keys, appended: append() };
  }
}

/** Above this many events a partition's digests are loaded in several queries, to bound memory. */
const ROWS_PER_LOAD_QUERY = 1_000_000;
const DIGEST_BYTES = 16;

/**
 * For embedded chDB, whose data directory only this process can open: every event reaches the log
 * through here, so a set of the logged entities tells a new entity (nothing to read, the common
 * case) from one with history. Rounds append one at a time, so a round sees every key an earlier
 * round logged. Until the set is loaded from the log at start-up, every entity is read.
 */
export class ExclusiveLogHistory implements EntityHistory {
  private readonly logged = new DigestSet();
  private loaded = false;
  private loading: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: ClickHouseClient,
    private readonly rowsPerPage = ROWS_PER_LOAD_QUERY,
  ) {}

  appendRound(keys: EntityKey[], append: () => Promise<void>): Promise<StartedRound> {
    const turn = this.queue.then(() => {
      const digests = keys.map((key) => digestOf(entityKey(key)));
      const withHistory = this.loaded ? keys.filter((_, index) => this.logged.mayContain(digests[index]!)) : keys;
      const appended = append().finally(() => {
        // Even a failed append may have logged some events; a key too many only costs a read.
        for (const digest of digests) this.logged.add(digest);
      });
      return { withHistory, appended };
    });
    // The next round's check waits for this round's keys, which are added once its append settles.
    this.queue = turn.then(({ appended }) => appended).catch(() => undefined);
    return turn;
  }

  /**
   * Loads the keys of every logged entity, once. Rounds that run
   * meanwhile read every entity and add their keys, so keys logged after a partition was read are
   * not missed. If loading fails, every entity keeps being read.
   */
  load(): Promise<void> {
    this.loading ??= this.loadAll();
    return this.loading;
  }

  private async loadAll(): Promise<void> {
    for (const partition of await rawEvents.entityPartitions(this.client)) await this.loadPartition(partition);
    this.loaded = true;
  }

  /**
   * A partition's keys, a range of the log's sort order at a time: each range is read once, so the
   * load grows with the log (paging by a hash of the id read the whole partition for every page:
   * 1.9 s a page for 110 M rows, against 0.3-0.4 s for a range of a million).
   */
  private async loadPartition(partition: string): Promise<void> {
    let after: LoggedKeyPosition | undefined;
    for (;;) {
      const end = await rawEvents.entityPageEnd(this.client, partition, this.rowsPerPage, after);
      await this.loadPage(partition, after, end);
      if (!end) return;
      after = end;
    }
  }

  private async loadPage(partition: string, after: LoggedKeyPosition | undefined, upTo: LoggedKeyPosition | undefined): Promise<void> {
    const digests = await rawEvents.entityDigests(this.client, partition, after, upTo);
    for (let offset = 0; offset + DIGEST_BYTES <= digests.length; offset += DIGEST_BYTES) {
      this.logged.add(digests.subarray(offset, offset + DIGEST_BYTES));
    }
  }

  /** Whether the set covers the whole log yet (before that, every entity is read). */
  get ready(): boolean {
    return this.loaded;
  }
}

const exclusiveHistories = new WeakMap<ClickHouseClient, ExclusiveLogHistory>();

/**
 * The history of an embedded chDB client, shared by every writer in this process that uses the
 * client (tests run several apps on one). Call `load` to start using it.
 */
export function exclusiveLogHistory(client: ClickHouseClient): ExclusiveLogHistory {
  let history = exclusiveHistories.get(client);
  if (!history) {
    history = new ExclusiveLogHistory(client);
    exclusiveHistories.set(client, history);
  }
  return history;
}
