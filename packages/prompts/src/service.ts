import { randomUUID } from "node:crypto";
import { LATEST_LABEL, type CreatePromptRequest, type ListPromptsQuery } from "@wick/contracts";
import type { Database } from "@wick/postgres";
import { ResolvedPromptCache } from "./cache.ts";
import { parseDependencyTags } from "./dependency-tags.ts";
import { InvalidPromptRequestError, PromptConflictError, PromptNotFoundError, PromptResolutionError } from "./errors.ts";
import { summarizeByName, type PromptSummary } from "./listing.ts";
import { PromptRepository } from "./prompt-repository.ts";
import { LocalWriteGenerations, type WriteGenerations } from "./write-generations.ts";
import { resolveComposition, type LoadDependency } from "./resolution.ts";
import type { PromptVersion, ResolvedPromptVersion, VersionSelector } from "./types.ts";
import { placeholderVariableClashes } from "./variables.ts";

/** What reads default to: `production`, never `latest`. */
const DEFAULT_LABEL = "production";
/** Attempts at a create whose version number another writer took first. */
const CREATE_ATTEMPTS = 3;

const unique = <T>(values: T[]) => [...new Set(values)];

function sameSet(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}

/** `version=0` and an empty label count as not given, as the reference reads them. */
function selectorOf(query: { version?: number; label?: string }): VersionSelector | undefined {
  if (query.version && query.label) throw new InvalidPromptRequestError("Cannot specify both version and label");
  if (query.version) return { version: query.version };
  return query.label ? { label: query.label } : undefined;
}

function describeSelector(selector: VersionSelector): string {
  return "version" in selector ? `version ${selector.version}` : `label '${selector.label}'`;
}

/** A unique violation on (project, name, version): someone else took the number. */
function isVersionCollision(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

function loaderFor(prompts: PromptRepository, projectId: string): LoadDependency {
  return (tag) => prompts.findVersion(projectId, tag.name, "version" in tag ? { version: tag.version } : { label: tag.label });
}

export interface PromptServiceOptions {
  /** Resolved prompts kept in memory across all projects. */
  cacheEntries?: number;
  /** Where write generations live; in this process unless other processes share the database. */
  generations?: WriteGenerations;
}

/** Prompt versions, labels and composition, with the reference's rules and messages. */
export class PromptService {
  private readonly prompts: PromptRepository;
  private readonly cache: ResolvedPromptCache;
  private readonly generations: WriteGenerations;

  constructor(db: Database, options: PromptServiceOptions = {}) {
    this.prompts = new PromptRepository(db);
    this.cache = new ResolvedPromptCache(options.cacheEntries ?? 10_000);
    this.generations = options.generations ?? new LocalWriteGenerations();
  }

  /** Creates the next version of the name; it takes `latest` and every label it names. */
  async create(projectId: string, request: CreatePromptRequest, createdBy = "API"): Promise<PromptVersion> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const created = await this.prompts.transaction(async (prompts, tx) => {
          const created = await this.insertNextVersion(prompts, projectId, request, createdBy);
          await this.generations.bumpInTransaction(tx, projectId);
          return created;
        });
        await this.generations.afterCommit(projectId);
        return created;
      } catch (error) {
        if (!isVersionCollision(error)) throw error;
        if (attempt === CREATE_ATTEMPTS) {
          throw new InvalidPromptRequestError(
            `Failed to create prompt '${request.name}' due to unique constraint failure. This is likely due to too many concurrent prompt creations for this prompt name. Please add a delay.`,
          );
        }
      }
    }
  }

  private async insertNextVersion(prompts: PromptRepository, projectId: string, request: CreatePromptRequest, createdBy: string): Promise<PromptVersion> {
    const { name } = request;
    const type = request.type ?? "text";
    // Held to the end of the transaction: concurrent creates of one name take numbers in turn.
    await prompts.lockName(projectId, name);
    const previous = await prompts.findHighestVersion(projectId, name);
    if (previous && previous.type !== type) {
      throw new InvalidPromptRequestError("Previous versions have different prompt type. Create a new prompt with a different name.");
    }
    if (request.type === "chat") {
      const clashes = placeholderVariableClashes(request.prompt);
      if (clashes.length > 0) {
        throw new InvalidPromptRequestError(`Cannot create prompt, variables and placeholders must be unique, the following are not: ${clashes.join(", ")}`);
      }
    }
    const now = new Date();
    const version: PromptVersion = {
      id: randomUUID(),
      projectId,
      name,
      version: (previous?.version ?? 0) + 1,
      type,
      prompt: request.prompt,
      config: request.config,
      labels: unique([...request.labels, LATEST_LABEL]),
      tags: request.tags == null ? (previous?.tags ?? []) : unique(request.tags),
      commitMessage: request.commitMessage ?? null,
      createdBy,
      createdAt: now,
      updatedAt: now,
    };
    const dependencies = parseDependencyTags(version.prompt);
    if (dependencies.length > 0) {
      try {
        await resolveComposition(version, loaderFor(prompts, projectId));
      } catch (error) {
        throw error instanceof PromptResolutionError ? new InvalidPromptRequestError(error.message) : error;
      }
    }
    const created = await prompts.insertVersion(version, dependencies);
    await prompts.removeLabelsFromOtherVersions(projectId, name, version.labels, version.id, now);
    if (previous && !sameSet(previous.tags, version.tags)) await prompts.setTagsOfAllVersions(projectId, name, version.tags, now);
    return created;
  }

  /**
   * One version with its composition resolved (unless `resolve` is false). Resolved reads are
   * served from memory until the next write in the project.
   */
  async get(projectId: string, name: string, query: { version?: number; label?: string; resolve: boolean }): Promise<ResolvedPromptVersion> {
    const selector = selectorOf(query) ?? { label: DEFAULT_LABEL };
    if (!query.resolve) return { ...(await this.find(projectId, name, selector)), resolutionGraph: null };

    // Read before the prompt: a write committing in between leaves this result under an old key.
    const generation = await this.generations.current(projectId);
    return this.cache.getOrResolve(projectId, generation, name, selector, () => this.resolve(projectId, name, selector));
  }

  private async resolve(projectId: string, name: string, selector: VersionSelector): Promise<ResolvedPromptVersion> {
    const version = await this.find(projectId, name, selector);
    try {
      const { prompt, graph } = await resolveComposition(version, loaderFor(this.prompts, projectId));
      return { ...version, prompt, resolutionGraph: graph };
    } catch (error) {
      throw error instanceof PromptResolutionError ? new PromptConflictError(error.message) : error;
    }
  }

  private async find(projectId: string, name: string, selector: VersionSelector): Promise<PromptVersion> {
    const version = await this.prompts.findVersion(projectId, name, selector);
    if (!version) throw new PromptNotFoundError(`Prompt not found: '${name}' with ${describeSelector(selector)}`);
    return version;
  }

  /** The ids of the given prompt versions that exist, keyed `name@version` (how generations name their prompt). */
  async versionIds(projectId: string, refs: Array<{ name: string; version: number }>): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const ref of refs) {
      const found = await this.prompts.findVersion(projectId, ref.name, { version: ref.version });
      if (found) ids.set(`${ref.name}@${ref.version}`, found.id);
    }
    return ids;
  }

  /** A page of prompt names, each summarising only its versions that match the filters. */
  async list(projectId: string, query: ListPromptsQuery): Promise<{ prompts: PromptSummary[]; totalItems: number }> {
    const { page, limit, fromUpdatedAt, toUpdatedAt, ...filters } = query;
    const { versions, totalNames } = await this.prompts.listMatchingVersions(
      projectId,
      {
        ...filters,
        fromUpdatedAt: fromUpdatedAt === undefined ? undefined : new Date(fromUpdatedAt),
        toUpdatedAt: toUpdatedAt === undefined ? undefined : new Date(toUpdatedAt),
      },
      { limit, offset: (page - 1) * limit },
    );
    return { prompts: summarizeByName(versions), totalItems: totalNames };
  }

  /** Adds labels to a version (never removes any); each one leaves whichever other version had it. */
  async addLabels(projectId: string, name: string, version: number, newLabels: string[]): Promise<PromptVersion> {
    const labelled = await this.prompts.transaction(async (prompts, tx) => {
      await prompts.lockName(projectId, name);
      const current = await prompts.findVersion(projectId, name, { version });
      if (!current) throw new PromptNotFoundError(`Prompt '${name}' version ${version} not found in project`);
      const now = new Date();
      await prompts.removeLabelsFromOtherVersions(projectId, name, unique(newLabels), current.id, now);
      const labelled = await prompts.setLabels(current.id, unique([...current.labels, ...newLabels]), now);
      await this.generations.bumpInTransaction(tx, projectId);
      return labelled;
    });
    await this.generations.afterCommit(projectId);
    return labelled;
  }

  /**
   * Deletes every version of the name, one version, or the versions with a label. Refused while
   * another prompt's composition would lose its target; `latest` moves to the highest version left.
   */
  async delete(projectId: string, name: string, query: { version?: number; label?: string }): Promise<void> {
    const selector = selectorOf(query);
    await this.prompts.transaction(async (prompts, tx) => {
      await prompts.lockName(projectId, name);
      const versions = await prompts.listVersions(projectId, name);
      const doomed = versions.filter((version) => !selector || ("version" in selector ? version.version === selector.version : version.labels.includes(selector.label)));
      if (doomed.length === 0) throw new PromptNotFoundError("Prompt not found");
      const remaining = versions.filter((version) => !doomed.includes(version));
      const heir = doomed.some((v) => v.labels.includes(LATEST_LABEL)) && !remaining.some((v) => v.labels.includes(LATEST_LABEL)) ? remaining.at(-1) : undefined;

      await this.refuseBreakingDependents(prompts, projectId, name, doomed, remaining, heir);
      if (heir) await prompts.setLabels(heir.id, [...heir.labels, LATEST_LABEL], new Date());
      await prompts.deleteVersions(doomed.map((version) => version.id));
      await this.generations.bumpInTransaction(tx, projectId);
    });
    await this.generations.afterCommit(projectId);
  }

  /** Refuses, with the reference's message, a delete that would leave another prompt's tag without a target. */
  private async refuseBreakingDependents(
    prompts: PromptRepository,
    projectId: string,
    name: string,
    doomed: PromptVersion[],
    remaining: PromptVersion[],
    heir: PromptVersion | undefined,
  ): Promise<void> {
    const doomedVersions = new Set(doomed.map((version) => version.version));
    const labelsLeft = new Set(remaining.flatMap((version) => version.labels));
    if (heir) labelsLeft.add(LATEST_LABEL);
    const dependents = await prompts.listDependents(
      projectId,
      name,
      doomed.map((version) => version.id),
    );
    const broken = dependents.filter((dependent) => (dependent.childVersion !== null ? doomedVersions.has(dependent.childVersion) : !labelsLeft.has(dependent.childLabel!)));
    if (broken.length === 0) return;
    const lines = broken.map((d) => `${d.parentName} v${d.parentVersion} depends on ${name} ${d.childVersion !== null ? `v${d.childVersion}` : d.childLabel}`);
    throw new InvalidPromptRequestError(
      `Other prompts are depending on prompt versions you are trying to delete:\n\n${lines.join("\n")}\n\nPlease delete the dependent prompts first.`,
    );
  }
}
