import { randomUUID } from "node:crypto";
import { and, arrayContains, arrayOverlaps, asc, countDistinct, desc, eq, gte, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import { promptDependencies, prompts, promptWriteGenerations, type Database, type PromptRow } from "@wick/postgres";
import type { DependencyTag } from "./dependency-tags.ts";
import type { PromptVersion, VersionSelector } from "./types.ts";

/** Stored content is JSON of the shape its type says. */
const asVersion = (row: PromptRow) => row as PromptVersion;

const MAX_INT4 = 2_147_483_647;

/** Versions beyond Postgres's integer cannot exist; comparing with one would be a query error. */
function isStorableVersion(version: number): boolean {
  return Number.isInteger(version) && version >= 1 && version <= MAX_INT4;
}

export interface Dependent {
  parentName: string;
  parentVersion: number;
  childVersion: number | null;
  childLabel: string | null;
}

export interface PromptListFilters {
  name?: string;
  label?: string;
  tag?: string;
  version?: number;
  fromUpdatedAt?: Date;
  toUpdatedAt?: Date;
}

function matching(projectId: string, filters: PromptListFilters): SQL {
  return and(
    eq(prompts.projectId, projectId),
    filters.name === undefined ? undefined : eq(prompts.name, filters.name),
    filters.label === undefined ? undefined : arrayContains(prompts.labels, [filters.label]),
    filters.tag === undefined ? undefined : arrayContains(prompts.tags, [filters.tag]),
    filters.version === undefined ? undefined : isStorableVersion(filters.version) ? eq(prompts.version, filters.version) : sql`false`,
    filters.fromUpdatedAt === undefined ? undefined : gte(prompts.updatedAt, filters.fromUpdatedAt),
    filters.toUpdatedAt === undefined ? undefined : lt(prompts.updatedAt, filters.toUpdatedAt),
  )!;
}

/** Bytewise, so the order is the same on PGlite and on any server collation. */
const byName = sql`${prompts.name} collate "C"`;

export type MatchingVersion = Pick<PromptRow, "name" | "version" | "type" | "labels" | "tags" | "config" | "updatedAt">;

/**
 * Prompt versions of a project with their composition tags and the project's prompt write
 * generation, in Postgres. Writes that must be atomic run through `transaction`, whose repository
 * is bound to it.
 */
export class PromptRepository {
  constructor(private readonly db: Database) {}

  /** Runs `work` in one transaction; `tx` is there for writes outside this repository that must commit with it. */
  transaction<T>(work: (prompts: PromptRepository, tx: Database) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PromptRepository(tx), tx));
  }

  /**
   * Serialises the writes of one prompt name until the transaction ends, on a Postgres server and in
   * PGlite alike; outside a transaction it holds nothing. Two keys so a name never collides with
   * another project's name of the same text.
   */
  async lockName(projectId: string, name: string): Promise<void> {
    await this.db.execute(sql`select pg_advisory_xact_lock(hashtext(${projectId}), hashtext(${name}))`);
  }

  async findVersion(projectId: string, name: string, selector: VersionSelector): Promise<PromptVersion | undefined> {
    if ("version" in selector && !isStorableVersion(selector.version)) return undefined;
    const target = "version" in selector ? eq(prompts.version, selector.version) : arrayContains(prompts.labels, [selector.label]);
    const [row] = await this.db
      .select()
      .from(prompts)
      .where(and(eq(prompts.projectId, projectId), eq(prompts.name, name), target))
      .orderBy(desc(prompts.version))
      .limit(1);
    return row && asVersion(row);
  }

  async findHighestVersion(projectId: string, name: string): Promise<PromptVersion | undefined> {
    const [row] = await this.db
      .select()
      .from(prompts)
      .where(and(eq(prompts.projectId, projectId), eq(prompts.name, name)))
      .orderBy(desc(prompts.version))
      .limit(1);
    return row && asVersion(row);
  }

  /** Every version of a name, lowest first. */
  async listVersions(projectId: string, name: string): Promise<PromptVersion[]> {
    const rows = await this.db
      .select()
      .from(prompts)
      .where(and(eq(prompts.projectId, projectId), eq(prompts.name, name)))
      .orderBy(asc(prompts.version));
    return rows.map(asVersion);
  }

  /** Stores the version and the composition tags it holds; a number the name already has is a unique violation. */
  async insertVersion(version: PromptVersion, dependencies: DependencyTag[]): Promise<PromptVersion> {
    const [row] = await this.db.insert(prompts).values(version).returning();
    if (dependencies.length > 0) {
      await this.db.insert(promptDependencies).values(
        dependencies.map((tag) => ({
          id: randomUUID(),
          projectId: version.projectId,
          parentId: version.id,
          childName: tag.name,
          childVersion: "version" in tag ? tag.version : null,
          childLabel: "label" in tag ? tag.label : null,
          createdAt: version.createdAt,
        })),
      );
    }
    return asVersion(row!);
  }

  /** Takes the labels off every version of the name but one: a label lives on one version at a time. */
  async removeLabelsFromOtherVersions(projectId: string, name: string, labels: string[], keepId: string, now: Date): Promise<void> {
    if (labels.length === 0) return;
    await this.db
      .update(prompts)
      .set({
        labels: sql`array(select label from unnest(${prompts.labels}) with ordinality as held(label, position) where label <> all(${sql.param(labels)}::text[]) order by position)`,
        updatedAt: now,
      })
      .where(and(eq(prompts.projectId, projectId), eq(prompts.name, name), ne(prompts.id, keepId), arrayOverlaps(prompts.labels, labels)));
  }

  async setLabels(id: string, labels: string[], now: Date): Promise<PromptVersion> {
    const [row] = await this.db.update(prompts).set({ labels, updatedAt: now }).where(eq(prompts.id, id)).returning();
    return asVersion(row!);
  }

  /** Tags belong to the name: every version gets the same set. */
  async setTagsOfAllVersions(projectId: string, name: string, tags: string[], now: Date): Promise<void> {
    await this.db
      .update(prompts)
      .set({ tags, updatedAt: now })
      .where(and(eq(prompts.projectId, projectId), eq(prompts.name, name)));
  }

  async deleteVersions(ids: string[]): Promise<void> {
    await this.db.delete(prompts).where(inArray(prompts.id, ids));
  }

  /** The composition tags of other versions that point at this name, with the version that holds each. */
  async listDependents(projectId: string, childName: string, excludingParentIds: string[]): Promise<Dependent[]> {
    return this.db
      .select({
        parentName: prompts.name,
        parentVersion: prompts.version,
        childVersion: promptDependencies.childVersion,
        childLabel: promptDependencies.childLabel,
      })
      .from(promptDependencies)
      .innerJoin(prompts, eq(prompts.id, promptDependencies.parentId))
      .where(
        and(
          eq(promptDependencies.projectId, projectId),
          eq(promptDependencies.childName, childName),
          excludingParentIds.length > 0 ? sql`${promptDependencies.parentId} <> all(${sql.param(excludingParentIds)}::text[])` : undefined,
        ),
      )
      .orderBy(asc(prompts.name), asc(prompts.version));
  }

  /**
   * A page of the names that have matching versions, with those versions (lowest first per name),
   * and how many names match in all.
   */
  async listMatchingVersions(projectId: string, filters: PromptListFilters, page: { limit: number; offset: number }): Promise<{ versions: MatchingVersion[]; totalNames: number }> {
    const where = matching(projectId, filters);
    const [names, [total]] = await Promise.all([
      this.db.select({ name: prompts.name }).from(prompts).where(where).groupBy(prompts.name).orderBy(byName).limit(page.limit).offset(page.offset),
      this.db
        .select({ count: countDistinct(prompts.name) })
        .from(prompts)
        .where(where),
    ]);
    if (names.length === 0) return { versions: [], totalNames: total?.count ?? 0 };
    const versions = await this.db
      .select({
        name: prompts.name,
        version: prompts.version,
        type: prompts.type,
        labels: prompts.labels,
        tags: prompts.tags,
        config: prompts.config,
        updatedAt: prompts.updatedAt,
      })
      .from(prompts)
      .where(
        and(
          where,
          inArray(
            prompts.name,
            names.map((row) => row.name),
          ),
        ),
      )
      .orderBy(byName, asc(prompts.version));
    return { versions, totalNames: total?.count ?? 0 };
  }

  /** Increments the project's prompt write generation; called inside every prompt write's transaction. */
  async bumpWriteGeneration(projectId: string): Promise<void> {
    await this.db
      .insert(promptWriteGenerations)
      .values({ projectId, generation: 1 })
      .onConflictDoUpdate({ target: promptWriteGenerations.projectId, set: { generation: sql`${promptWriteGenerations.generation} + 1` } });
  }

  /** The project's prompt write generation (0 before its first write). */
  async writeGeneration(projectId: string): Promise<number> {
    const [row] = await this.db.select({ generation: promptWriteGenerations.generation }).from(promptWriteGenerations).where(eq(promptWriteGenerations.projectId, projectId));
    return row?.generation ?? 0;
  }
}
