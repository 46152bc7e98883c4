import type { Database } from "@wick/postgres";
import type { ModelDefinition } from "./model.ts";
import { ModelRepository } from "./model-repository.ts";
import type { NewModel } from "./model-writes.ts";

export interface ModelCatalogOptions {
  /**
   * How long a match is trusted. Writes through this catalog invalidate at once; the TTL bounds how
   * long another Wick instance's writes take to apply here (the reference caches about 10 s too).
   */
  ttlMs?: number;
  /** Most cached (project, model name) pairs; the oldest go first. */
  maxEntries?: number;
}

interface CachedMatch {
  model: ModelDefinition | undefined;
  expiresAt: number;
}

const SEPARATOR = "\u0000";

/**
 * The model definitions a project sees (its own plus Wick-managed ones): matching observation
 * model names to them, with an in-process cache, and the writes of the models API.
 */
export class ModelCatalog {
  private readonly cache = new Map<string, CachedMatch>();
  /** Bumped by every invalidation, so a lookup that raced a write does not cache what it read. */
  private generation = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly models: ModelRepository;

  constructor(db: Database, options: ModelCatalogOptions = {}) {
    this.models = new ModelRepository(db);
    this.ttlMs = options.ttlMs ?? 10_000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The model an observation's model name resolves to in this project, if any. Shared with the cache: read only. */
  async match(projectId: string, modelName: string): Promise<ModelDefinition | undefined> {
    return (await this.matchMany(projectId, [modelName])).get(modelName);
  }

  /** Resolves several names with at most one query, for those not cached. Empty names match nothing. */
  async matchMany(projectId: string, modelNames: readonly string[]): Promise<Map<string, ModelDefinition | undefined>> {
    const now = Date.now();
    const found = new Map<string, ModelDefinition | undefined>();
    const missing: string[] = [];
    for (const name of new Set(modelNames)) {
      const cached = this.cache.get(this.key(projectId, name));
      if (!name) found.set(name, undefined);
      else if (cached && cached.expiresAt > now) found.set(name, cached.model);
      else missing.push(name);
    }
    if (missing.length === 0) return found;

    const generation = this.generation;
    const matched = await this.models.matchNames(projectId, missing);
    const cacheable = generation === this.generation;
    for (const name of missing) {
      const model = matched.get(name);
      found.set(name, model);
      if (cacheable) this.remember(this.key(projectId, name), { model, expiresAt: now + this.ttlMs });
    }
    return found;
  }

  /** Forgets the project's cached matches; model writes call it. */
  invalidate(projectId: string): void {
    this.generation += 1;
    const prefix = `${projectId}${SEPARATOR}`;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  list(projectId: string, page: { limit: number; offset: number }): Promise<{ models: ModelDefinition[]; total: number }> {
    return this.models.listVisible(projectId, page);
  }

  /** A project or managed model by id. */
  get(projectId: string, id: string): Promise<ModelDefinition | undefined> {
    return this.models.findVisible(projectId, id);
  }

  /** Creates a project model; throws ModelValidationError for a taken name or a bad pattern. */
  async create(projectId: string, model: NewModel): Promise<ModelDefinition> {
    try {
      return await this.models.createProjectModel(projectId, model);
    } finally {
      this.invalidate(projectId);
    }
  }

  /** Deletes a project's own model; false when there is none with this id. */
  async delete(projectId: string, id: string): Promise<boolean> {
    try {
      return await this.models.deleteProjectModel(projectId, id);
    } finally {
      this.invalidate(projectId);
    }
  }

  private key(projectId: string, modelName: string): string {
    return `${projectId}${SEPARATOR}${modelName}`;
  }

  private remember(key: string, entry: CachedMatch): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
  }
}
