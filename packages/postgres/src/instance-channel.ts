import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { DedicatedConnection, PostgresStore } from "./connect.ts";

/**
 * One listening connection's time of trust. What an instance learnt through a connection is only
 * good while that connection holds its lease, so callers key what they learnt by the session.
 */
export type ListeningSession = { readonly startedAt: number };

export interface InstanceChannelOptions {
  /** The notification channel; writers notify it inside their transactions (`pg_notify`, triggers). */
  channel: string;
  /** The listening connection's `application_name`, which shows it in `pg_stat_activity`. */
  applicationName: string;
  /** Called for every message in commit order, before any later barrier is acknowledged. */
  onMessage(session: ListeningSession, message: unknown): void;
}

/**
 * The lease of a listening connection: for this long after sending a renewal that Postgres
 * answered, an instance trusts what it has heard. Also the longest a barrier waits for an instance
 * that does not acknowledge it (one whose connection or process died).
 */
const LEASE_MS = 3_000;
/** Pause before opening a new listening connection after one ended or failed to open. */
const RECONNECT_MS = 1_000;

interface Listener {
  connection: DedicatedConnection;
  session: ListeningSession;
  /** `performance.now()` at which the lease ends, as this process counts it (never later than Postgres does). */
  trustedUntil: number;
}

interface Barrier {
  kind: "wick-barrier";
  token: string;
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

function isBarrier(message: unknown): message is Barrier {
  return typeof message === "object" && message !== null && (message as Barrier).kind === "wick-barrier" && typeof (message as Barrier).token === "string";
}

/**
 * A channel that every Wick instance sharing a Postgres server listens on, for caches that must
 * drop what a write in any instance made stale, with no round trip per cached read.
 *
 * Each instance keeps one connection LISTENing and renews a lease row (`instance_listeners`) every
 * third of the lease; it trusts what it has heard only until the lease of the last answered renewal
 * ends, counted from when the renewal was sent, which is no later than Postgres counts it. Postgres
 * passes on a session's pending notifications before it answers its next query, so a renewal
 * answered after a commit means that commit's notification was heard.
 *
 * A writer calls `barrier()` after its commit: it notifies a barrier and waits until every
 * connection holding a lease has acknowledged it, or its lease has ended. Notifications reach each
 * listener in commit order and are handled in that order, so an acknowledged barrier means the
 * write was heard. A connection that started listening after the write knows nothing older.
 * Either way, once `barrier()` settles, no instance trusts what the write made stale.
 */
export class InstanceChannel {
  private listener: Listener | undefined;
  private readonly acksChannel: string;
  /** Barriers this instance waits on: token → the listener pids that acknowledged it. */
  private readonly pending = new Map<string, { acked: Set<number>; check: () => void }>();

  constructor(
    private readonly store: PostgresStore,
    private readonly options: InstanceChannelOptions,
  ) {
    this.acksChannel = `${options.channel}_acks`;
    void this.listen();
  }

  /** The session whose messages may be trusted now; undefined while none holds a lease. */
  trustedSession(): ListeningSession | undefined {
    const listener = this.listener;
    return listener && performance.now() < listener.trustedUntil ? listener.session : undefined;
  }

  /** Settles once every instance has heard every message committed before the call (see the class). */
  async barrier(): Promise<void> {
    const token = randomUUID();
    const acked = new Set<number>();
    /** Unknown until the barrier is sent; acknowledgements heard before then are kept. */
    let leases: Array<{ pid: number; until: number }> | undefined;
    const settled = new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        if (!leases) return;
        const now = performance.now();
        const waiting = leases.filter(({ pid, until }) => until > now && !acked.has(pid));
        clearTimeout(timer);
        if (waiting.length === 0) {
          this.pending.delete(token);
          resolve();
          return;
        }
        timer = setTimeout(check, Math.min(...waiting.map(({ until }) => until)) - now);
      };
      this.pending.set(token, { acked, check });
    });
    try {
      const [row] = await this.store.execute(
        `SELECT pg_notify($1, $2),
                COALESCE((SELECT json_agg(json_build_object('pid', pid, 'ms', EXTRACT(EPOCH FROM lease_until - clock_timestamp()) * 1000))
                          FROM instance_listeners WHERE channel = $1 AND lease_until > clock_timestamp()), '[]') AS leases`,
        [this.options.channel, JSON.stringify({ kind: "wick-barrier", token } satisfies Barrier)],
      );
      // Counted from the answer, so no lease ends earlier here than in Postgres.
      const answered = performance.now();
      leases = (row!.leases as Array<{ pid: number; ms: number }>).map(({ pid, ms }) => ({ pid, until: answered + Number(ms) }));
    } catch {
      // Who listens is unknown: wait until every lease renewed before now has ended.
      leases = [{ pid: -1, until: performance.now() + LEASE_MS }];
    }
    this.pending.get(token)?.check();
    await settled;
  }

  private async listen(): Promise<void> {
    let connection: DedicatedConnection | undefined;
    try {
      connection = await this.store.openDedicated?.(this.options.applicationName);
    } catch {
      this.retry();
      return;
    }
    // None once the store is closed, which ends the retries too.
    if (!connection) return;
    const listener: Listener = { connection, session: { startedAt: performance.now() }, trustedUntil: 0 };
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
          `INSERT INTO instance_listeners (id, channel, pid, lease_until) VALUES ($1, $2, pg_backend_pid(), clock_timestamp() + $3 * interval '1 millisecond')
           ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until`,
          [id, this.options.channel, LEASE_MS],
        );
        listener.trustedUntil = Math.max(listener.trustedUntil, sent + LEASE_MS);
      } finally {
        clearTimeout(unanswered);
      }
    };
    try {
      await connection.execute(`LISTEN "${this.options.channel}"; LISTEN "${this.acksChannel}"`);
      // Leases that ended long ago only slow the barriers' look-up.
      await connection.execute("DELETE FROM instance_listeners WHERE lease_until < clock_timestamp() - interval '1 minute'");
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
    if (channel === this.acksChannel) {
      const waiting = this.pending.get(payload);
      if (!waiting) return;
      waiting.acked.add(senderPid);
      waiting.check();
      return;
    }
    const message = parse(payload);
    if (!isBarrier(message)) {
      this.options.onMessage(listener.session, message);
      return;
    }
    // A barrier that misses this acknowledgement waits for the lease to end instead: slower, never stale.
    listener.connection.execute("SELECT pg_notify($1, $2)", [this.acksChannel, message.token]).catch(() => {});
  }
}
