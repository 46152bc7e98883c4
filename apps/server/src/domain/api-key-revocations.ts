import { ApiKeyVerifier, type ApiKeyVerifierOptions, type KeyLookup } from "@wick/auth";
import { InstanceChannel, type PostgresStore } from "@wick/postgres";

/** Notified by the `api_keys_revoked` trigger (Postgres migration 0016), and by `invalidate` below. */
const REVOCATIONS_CHANNEL = "wick_api_key_revocations";

type Revocation = { publicKey: string } | { projectIds: string[] } | { all: true };

/**
 * Makes deleted keys stop working on every Wick instance at once. The verifier caches keys; on a
 * Postgres server shared by several instances, every key change notifies them all (a trigger, so no
 * path can forget it), each instance drops the key from its cache, and a route that deleted keys
 * answers only once every instance has (`InstanceChannel.barrier`). An instance that is not sure to
 * hear of deletions (its listening connection down, or not yet leased) caches nothing.
 */
export class ApiKeyRevocations {
  readonly verifier: ApiKeyVerifier;
  private readonly channel: InstanceChannel | undefined;

  constructor(
    private readonly store: PostgresStore,
    keys: KeyLookup,
    options: Omit<ApiKeyVerifierOptions, "trustPeriod">,
  ) {
    // Embedded PGlite belongs to this process: there is no other instance to tell.
    this.channel =
      store.kind === "server"
        ? new InstanceChannel(store, { channel: REVOCATIONS_CHANNEL, applicationName: "wick key cache", onMessage: (_session, message) => this.heard(message) })
        : undefined;
    const channel = this.channel;
    this.verifier = new ApiKeyVerifier(keys, channel ? { ...options, trustPeriod: () => channel.trustedSession() } : options);
  }

  /** Whether this instance caches keys now (it does not while unsure to hear of deletions). */
  cacheTrusted(): boolean {
    return !this.channel || this.channel.trustedSession() !== undefined;
  }

  /** After the keys were deleted: settles once no instance trusts them. */
  async revoked(publicKeys: Iterable<string>): Promise<void> {
    this.verifier.invalidate(publicKeys);
    await this.channel?.barrier();
  }

  /** After the projects' keys were deleted: settles once no instance trusts them. */
  async revokedProjects(projectIds: string[]): Promise<void> {
    this.verifier.invalidateProjects(projectIds);
    await this.channel?.barrier();
  }

  /**
   * Drops cached keys on every instance, so that each reads them from Postgres again: the projects'
   * keys, or all. Answers how many keys this instance had cached (all only).
   */
  async invalidate(target: { projectIds: string[] } | "all"): Promise<number> {
    const message: Revocation = target === "all" ? { all: true } : target;
    const forgotten = this.apply(message);
    if (this.channel) {
      await this.store.execute("SELECT pg_notify($1, $2)", [REVOCATIONS_CHANNEL, JSON.stringify(message)]);
      await this.channel.barrier();
    }
    return forgotten;
  }

  private heard(message: unknown): void {
    if (typeof message === "object" && message !== null) this.apply(message as Revocation);
  }

  private apply(message: Revocation): number {
    if ("publicKey" in message && typeof message.publicKey === "string") return this.verifier.invalidate([message.publicKey]);
    if ("projectIds" in message && Array.isArray(message.projectIds)) {
      this.verifier.invalidateProjects(message.projectIds.filter((id): id is string => typeof id === "string"));
      return 0;
    }
    if ("all" in message && message.all === true) return this.verifier.invalidate();
    return 0;
  }
}
