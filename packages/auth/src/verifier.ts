import { timingSafeEqual } from "node:crypto";
import { AuthError, authMessages } from "./errors.ts";
import { fastHashSecret } from "./keys.ts";

export interface StoredKey {
  id: string;
  publicKey: string;
  fastHashedSecretKey: string;
  scope: "ORGANIZATION" | "PROJECT";
  projectId: string | null;
  orgId: string | null;
}

export interface KeyLookup {
  findByPublicKey(publicKey: string): Promise<StoredKey | undefined>;
  findByFastHash(fastHash: string): Promise<StoredKey | undefined>;
}

/** What a request may reach once authenticated. */
export type AuthScope =
  | { accessLevel: "project"; projectId: string; orgId: string; apiKeyId: string; publicKey: string }
  | { accessLevel: "organization"; projectId: null; orgId: string; apiKeyId: string; publicKey: string }
  /** Public key only (browser SDKs): scores and SDK logs, nothing else. */
  | { accessLevel: "scores"; projectId: string; orgId: string; apiKeyId: string; publicKey: string };

export interface ApiKeyVerifierOptions {
  salt: string;
  /** How long a verified key is trusted without asking the database again; 0 turns the cache off. */
  cacheTtlMs: number;
  /**
   * The period during which cached keys may be trusted, when other processes can delete keys: a key
   * cached in one period is not used in another, and nothing is cached while it is undefined. By
   * default one period that never ends (no other process shares the database).
   */
  trustPeriod?: () => object | undefined;
  now?: () => number;
}

const FOREVER = {};

function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

function scopeOf(key: StoredKey): AuthScope {
  if (!key.orgId) throw new AuthError(authMessages.noOrganization);
  if (key.scope === "ORGANIZATION") {
    return { accessLevel: "organization", projectId: null, orgId: key.orgId, apiKeyId: key.id, publicKey: key.publicKey };
  }
  if (!key.projectId) throw new AuthError(authMessages.invalidCredentials);
  return { accessLevel: "project", projectId: key.projectId, orgId: key.orgId, apiKeyId: key.id, publicKey: key.publicKey };
}

/**
 * Checks key pairs against the stored fast hashes. Verified keys are cached by public key so that
 * the hot path costs one hash and one constant-time comparison; deleting a key must go through
 * `invalidate` so that it stops working at once on this instance (and through a notification
 * that reaches `invalidate` on the others, see `trustPeriod`).
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { key: StoredKey; expiresAt: number; period: object }>();
  /** Moves with every invalidation, so that a look-up that raced one does not cache what it read. */
  private invalidations = 0;
  private readonly now: () => number;
  private readonly trustPeriod: () => object | undefined;

  constructor(
    private readonly lookup: KeyLookup,
    private readonly options: ApiKeyVerifierOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.trustPeriod = options.trustPeriod ?? (() => FOREVER);
  }

  async verifyBasic(publicKey: string, secretKey: string): Promise<AuthScope> {
    const hash = fastHashSecret(secretKey, this.options.salt);
    const period = this.trustPeriod();
    const invalidations = this.invalidations;
    const cached = this.cache.get(publicKey);
    if (cached && cached.period === period && cached.expiresAt > this.now() && sameDigest(hash, cached.key.fastHashedSecretKey)) {
      return scopeOf(cached.key);
    }
    const byPublicKey = await this.lookup.findByPublicKey(publicKey);
    // As in Langfuse, the secret identifies the key: a pair whose public key names another
    // (or no) key still authenticates as the key the secret belongs to.
    const key = byPublicKey && sameDigest(hash, byPublicKey.fastHashedSecretKey) ? byPublicKey : await this.lookup.findByFastHash(hash);
    if (!key) throw new AuthError(authMessages.invalidCredentials);
    const scope = scopeOf(key);
    const unchanged = period !== undefined && period === this.trustPeriod() && invalidations === this.invalidations;
    if (this.options.cacheTtlMs > 0 && unchanged) this.cache.set(key.publicKey, { key, expiresAt: this.now() + this.options.cacheTtlMs, period });
    return scope;
  }

  async verifyBearer(publicKey: string): Promise<AuthScope> {
    const key = await this.lookup.findByPublicKey(publicKey);
    if (!key) throw new AuthError(authMessages.invalidPublicKey);
    if (key.scope === "ORGANIZATION") throw new AuthError(authMessages.orgKeyWithBearer);
    const scope = scopeOf(key);
    return { ...scope, accessLevel: "scores" } as AuthScope;
  }

  /** Forgets cached keys: the given public keys, or all of them; answers how many were cached. */
  invalidate(publicKeys?: Iterable<string>): number {
    this.invalidations += 1;
    if (!publicKeys) {
      const cached = this.cache.size;
      this.cache.clear();
      return cached;
    }
    let forgotten = 0;
    for (const publicKey of publicKeys) if (this.cache.delete(publicKey)) forgotten += 1;
    return forgotten;
  }

  /** Forgets the cached keys of these projects, whether or not their rows still exist. */
  invalidateProjects(projectIds: Iterable<string>): void {
    this.invalidations += 1;
    const projects = new Set(projectIds);
    for (const [publicKey, { key }] of this.cache) if (key.projectId !== null && projects.has(key.projectId)) this.cache.delete(publicKey);
  }
}
