import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import type { Database, DedicatedConnection, PostgresStore } from "@wick/postgres";
import { PromptRepository } from "./prompt-repository.ts";

/**
 * Where a project's prompt write generation lives. Cached resolutions are keyed by it, so it must
 * move with every write that every reader can observe.
 */
export interface WriteGenerations {
  /** Called inside the write's transaction. */
  bumpInTransaction(tx: Database, projectId: string): Promise<void>;
  /** Called once the write has committed; the write is answered when this settles. */
  afterCommit(projectId: string): Promise<void> | void;
  current(projectId: string): Promise<number> | number;
}

/**
 * In this process only: right when no other process can write to the database, as with embedded
 * PGlite, whose data directory one process holds. Costs nothing per read.
 */
export class LocalWriteGenerations implements WriteGenerations {
  private readonly generations = new Map<string, number>();

  async bumpInTransaction(): Promise<void> {}

  afterCommit(projectId: string): void {
    this.generations.set(projectId, (this.generations.get(projectId) ?? 0) + 1);
  }

  current(projectId: string): number {
    return this.generations.get(projectId) ?? 0;
  }
}

const WRITES_CHANNEL = "wick_prompt_writes";
const ACKS_CHANNEL = "wick_prompt_write_acks";

/**
 * The lease of a listening connection: for this long after sending a renewal that Postgres
 * answered, an instance trusts what it has heard. Also the longest a write waits for an instance
 * that does not acknowledge it (one whose connection or process died).
 */
const LEASE_MS = 3_000;
/** Pause before opening a new listening connection after one ended or failed to open. */
const RECONNECT_MS = 1_000;

interface Listener {
  connection: DedicatedConnection;
  /** The newest generation of each project this connection has heard of, or read since it listens. */
  generations: Map<string, number>;
  /** `performance.now()` at which the lease ends, as this process counts it (never later than Postgres does). */
  trustedUntil: number;
}

interface WriteNotice {
  projectId: string;
  generation: number;
}

function parseNotice(payload: string): WriteNotice | undefined {
  try {
    const { projectId, generation } = JSON.parse(payload) as Partial<WriteNotice>;
    return typeof projectId === "string" && typeof generation === "number" ? { projectId, generation } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * In Postgres, for several Wick instances sharing a database server, with no round trip per
 * cached read while the instance's listening connection holds a lease.
 *
 * Every write bumps the generation row and notifies it in its transaction. Each instance keeps one
 * connection LISTENing: it records the generations it hears of and acknowledges each with a
 * notification of its own. The connection renews a lease row (`prompt_cache_listeners`) every
 * third of the lease, and its instance trusts its record only until the lease of the last answered
 * renewal ends, counted from when the renewal was sent, which is no later than Postgres counts it.
 * A write is answered once every connection holding a lease has acknowledged it or its lease has
 * ended. Postgres passes on a session's pending notifications before it answers its next query,
 * so a renewal answered after a commit means that commit's notification was heard (a connection
 * that started listening later knows nothing older, and reads what it needs from Postgres). Hence,
 * once a write is answered, every instance has heard of it or reads the generation from Postgres,
 * as it does whenever its connection is down or not yet listening.
 */
export class SharedWriteGenerations implements WriteGenerations {
  private listener: Listener | undefined;
  /** Acknowledgements heard recently, `pid project` → newest generation, for writes waiting on them. */
  private readonly acks = new Map<string, { generation: number; at: number }>();
  private readonly waiters = new Set<() => void>();
  private readonly prompts: PromptRepository;

  constructor(private readonly store: PostgresStore) {
    this.prompts = new PromptRepository(store.db);
    void this.listen();
  }

  async bumpInTransaction(tx: Database, projectId: string): Promise<void> {
    await new PromptRepository(tx).bumpWriteGeneration(projectId);
    // Delivered when the transaction commits, and never if it rolls back.
    await tx.execute(sql`
      SELECT pg_notify(${WRITES_CHANNEL}, json_build_object('projectId', project_id, 'generation', generation)::text)
      FROM prompt_write_generations WHERE project_id = ${projectId}`);
  }

  async afterCommit(projectId: string): Promise<void> {
    let generation: number;
    let leases: Array<{ pid: number; until: number }>;
    try {
      const [row] = await this.store.execute(
        `SELECT (SELECT generation FROM prompt_write_generations WHERE project_id = $1) AS generation,
                COALESCE((SELECT json_agg(json_build_object('pid', pid, 'ms', EXTRACT(EPOCH FROM lease_until - clock_timestamp()) * 1000))
                          FROM prompt_cache_listeners WHERE lease_until > clock_timestamp()), '[]') AS leases`,
        [projectId],
      );
      // Counted from the answer, so no lease ends earlier here than in Postgres.
      const answered = performance.now();
      generation = Number(row!.generation);
      leases = (row!.leases as Array<{ pid: number; ms: number }>).map(({ pid, ms }) => ({ pid, until: answered + Number(ms) }));
    } catch {
      // Who listens is unknown: wait until every lease renewed before now has ended.
      generation = Number.POSITIVE_INFINITY;
      leases = [{ pid: -1, until: performance.now() + LEASE_MS }];
    }
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        const now = performance.now();
        const pending = leases.filter(({ pid, until }) => until > now && (this.acks.get(`${pid} ${projectId}`)?.generation ?? -1) < generation);
        clearTimeout(timer);
        if (pending.length === 0) {
          this.waiters.delete(check);
          resolve();
          return;
        }
        timer = setTimeout(check, Math.min(...pending.map(({ until }) => until)) - now);
      };
      this.waiters.add(check);
      check();
    });
  }

  current(projectId: string): Promise<number> | number {
    const listener = this.listener;
    if (!listener || performance.now() >= listener.trustedUntil) return this.prompts.writeGeneration(projectId);
    const known = listener.generations.get(projectId);
    if (known !== undefined) return known;
    // Read while listening: a write committed after this read is heard of, so the record stays right.
    return this.prompts.writeGeneration(projectId).then((generation) => this.remember(listener, projectId, generation));
  }

  private remember(listener: Listener, projectId: string, generation: number): number {
    const newest = Math.max(listener.generations.get(projectId) ?? 0, generation);
    listener.generations.set(projectId, newest);
    return newest;
  }

  private async listen(): Promise<void> {
    let connection: DedicatedConnection | undefined;
    try {
      connection = await this.store.openDedicated?.("wick prompt cache");
    } catch {
      this.retry();
      return;
    }
    if (!connection) return;
    const listener: Listener = { connection, generations: new Map(), trustedUntil: 0 };
    let renewals: NodeJS.Timeout | undefined;
    let ended = false;
    connection.onEnd(() => {
      ended = true;
      clearInterval(renewals);
      if (this.listener === listener) this.listener = undefined;
      this.retry();
    });
    connection.onNotification(({ channel, payload, senderPid }) => this.heard(listener, channel, payload, senderPid));
    const id = randomUUID();
    const renew = async () => {
      const sent = performance.now();
      const unanswered = setTimeout(() => void connection.close(), LEASE_MS);
      try {
        await connection.execute(
          `INSERT INTO prompt_cache_listeners (id, pid, lease_until) VALUES ($1, pg_backend_pid(), clock_timestamp() + $2 * interval '1 millisecond')
           ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until`,
          [id, LEASE_MS],
        );
        listener.trustedUntil = Math.max(listener.trustedUntil, sent + LEASE_MS);
      } finally {
        clearTimeout(unanswered);
      }
    };
    try {
      await connection.execute(`LISTEN ${WRITES_CHANNEL}; LISTEN ${ACKS_CHANNEL}`);
      // Leases that ended long ago only slow the writers' look-up.
      await connection.execute("DELETE FROM prompt_cache_listeners WHERE lease_until < clock_timestamp() - interval '1 minute'");
      await renew();
    } catch {
      void connection.close();
      return;
    }
    if (ended) return;
    this.listener = listener;
    let renewing = false;
    renewals = setInterval(() => {
      if (renewing) return;
      renewing = true;
      renew()
        .catch(() => void connection.close())
        .finally(() => (renewing = false));
    }, LEASE_MS / 3);
    renewals.unref();
  }

  private retry(): void {
    setTimeout(() => void this.listen(), RECONNECT_MS).unref();
  }

  private heard(listener: Listener, channel: string, payload: string, senderPid: number): void {
    const notice = parseNotice(payload);
    if (!notice) return;
    if (channel === WRITES_CHANNEL) {
      this.remember(listener, notice.projectId, notice.generation);
      // A write that misses this acknowledgement waits for the lease to end instead: slower, never stale.
      listener.connection.execute("SELECT pg_notify($1, $2)", [ACKS_CHANNEL, payload]).catch(() => {});
      return;
    }
    const now = performance.now();
    const key = `${senderPid} ${notice.projectId}`;
    this.acks.set(key, { generation: Math.max(this.acks.get(key)?.generation ?? -1, notice.generation), at: now });
    // No write waits longer than a lease, so older acknowledgements can go.
    for (const [old, { at }] of this.acks) if (at < now - 2 * LEASE_MS) this.acks.delete(old);
    for (const check of [...this.waiters]) check();
  }
}
