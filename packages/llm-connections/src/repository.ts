import { and, count, desc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import { llmApiKeys, schema, type Database, type LlmApiKeyRow } from "@wick/postgres";

const { projects } = schema;

/** What a PUT writes; `config` undefined means "keep the stored one" on update. */
export type ConnectionWrite = Omit<LlmApiKeyRow, "config" | "createdAt"> & { config: LlmApiKeyRow["config"] | undefined };

/** LLM connections in Postgres, always reached through their project. */
export class LlmConnectionRepository {
  constructor(readonly db: Database) {}

  /** Runs `work` in one transaction, with a repository bound to it. */
  transaction<T>(work: (repository: LlmConnectionRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new LlmConnectionRepository(tx)));
  }

  /**
   * Whether the project is live; in a transaction it stays so until the end, since a project delete
   * waits for the lock and then removes the project's connections.
   */
  async lockLiveProject(projectId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: projects.id })
      .from(projects)
      .where(and(eq(projects.id, projectId), isNull(projects.deletedAt)))
      .for("share");
    return row !== undefined;
  }

  async findByProvider(projectId: string, provider: string): Promise<LlmApiKeyRow | undefined> {
    const [row] = await this.db
      .select()
      .from(llmApiKeys)
      .where(and(eq(llmApiKeys.projectId, projectId), eq(llmApiKeys.provider, provider)));
    return row;
  }

  /**
   * Inserts the connection or replaces the one with its provider in one statement, so two
   * concurrent creates cannot both insert; `created` tells which happened (a fresh row has no xmax).
   */
  async upsert(write: ConnectionWrite, now: Date): Promise<{ row: LlmApiKeyRow; created: boolean }> {
    const { id: _, projectId: __, provider: ___, config, ...replaced } = write;
    const [result] = await this.db
      .insert(llmApiKeys)
      .values({ ...write, config: config ?? null, createdAt: now })
      .onConflictDoUpdate({ target: [llmApiKeys.projectId, llmApiKeys.provider], set: config === undefined ? replaced : { ...replaced, config } })
      .returning({ ...getTableColumns(llmApiKeys), created: sql<boolean>`(xmax = 0)` });
    const { created, ...row } = result!;
    return { row, created };
  }

  async countInProject(projectId: string): Promise<number> {
    const [row] = await this.db.select({ total: count() }).from(llmApiKeys).where(eq(llmApiKeys.projectId, projectId));
    return row?.total ?? 0;
  }

  /** One page of the project's connections, newest first. */
  async listInProject(projectId: string, limit: number, offset: number): Promise<LlmApiKeyRow[]> {
    return this.db.select().from(llmApiKeys).where(eq(llmApiKeys.projectId, projectId)).orderBy(desc(llmApiKeys.createdAt), desc(llmApiKeys.id)).limit(limit).offset(offset);
  }

  /** The project's connection, locked until the transaction ends. */
  async findForDelete(projectId: string, id: string): Promise<LlmApiKeyRow | undefined> {
    const [row] = await this.db
      .select()
      .from(llmApiKeys)
      .where(and(eq(llmApiKeys.projectId, projectId), eq(llmApiKeys.id, id)))
      .for("update");
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(llmApiKeys).where(eq(llmApiKeys.id, id));
  }

  async deleteForProject(projectId: string): Promise<void> {
    await this.db.delete(llmApiKeys).where(eq(llmApiKeys.projectId, projectId));
  }
}
