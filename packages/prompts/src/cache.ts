import type { ResolvedPromptVersion, VersionSelector } from "./types.ts";

/**
 * Resolved prompts by project, name and selector. A resolved prompt embeds other prompts that label
 * moves or deletes anywhere in the project can change, so every write bumps the project's write
 * generation (see write-generations.ts), and entries are keyed by the generation known before the
 * prompt was read: an entry made from data older than a write is never found again. Old
 * generations age out of the LRU order.
 */
export class ResolvedPromptCache {
  private readonly entries = new Map<string, ResolvedPromptVersion>();
  private readonly resolving = new Map<string, Promise<ResolvedPromptVersion>>();

  constructor(private readonly maxEntries: number) {}

  private key(projectId: string, generation: number, name: string, selector: VersionSelector): string {
    const target = "version" in selector ? `version:${selector.version}` : `label:${selector.label}`;
    return JSON.stringify([projectId, generation, name, target]);
  }

  /**
   * The cached value, or the one `resolve` produces. Concurrent misses of a key share one
   * resolution, so the reads that follow a write do not each query Postgres. Failures are not kept.
   */
  getOrResolve(projectId: string, generation: number, name: string, selector: VersionSelector, resolve: () => Promise<ResolvedPromptVersion>): Promise<ResolvedPromptVersion> {
    const key = this.key(projectId, generation, name, selector);
    const cached = this.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.resolving.get(key);
    if (!pending) {
      pending = resolve()
        .then((value) => {
          this.set(key, value);
          return value;
        })
        .finally(() => this.resolving.delete(key));
      this.resolving.set(key, pending);
    }
    return pending;
  }

  private get(key: string): ResolvedPromptVersion | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Re-insert to mark it as the most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private set(key: string, value: ResolvedPromptVersion): void {
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
