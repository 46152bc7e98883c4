import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import { datasetRuns, type Database, type DatasetRunRow } from "@wick/postgres";

/** Newest first; the id breaks ties so pages neither skip nor repeat. */
const runOrder = [desc(datasetRuns.createdAt), asc(datasetRuns.id)];

/**
 * Dataset runs in Postgres. Every write is a single statement, so nothing here needs a
 * transaction of its own.
 */
export class DatasetRunRepository {
  constructor(private readonly db: Database) {}

  /** Inserts the run unless one with its id or name is there already (the first use wins). */
  async insertRunIfAbsent(row: DatasetRunRow): Promise<void> {
    await this.db.insert(datasetRuns).values(row).onConflictDoNothing();
  }

  async findRun(projectId: string, datasetId: string, name: string): Promise<DatasetRunRow | undefined> {
    const [row] = await this.db
      .select()
      .from(datasetRuns)
      .where(and(eq(datasetRuns.projectId, projectId), eq(datasetRuns.datasetId, datasetId), eq(datasetRuns.name, name)));
    return row;
  }

  async findRunById(projectId: string, id: string): Promise<DatasetRunRow | undefined> {
    const [row] = await this.db
      .select()
      .from(datasetRuns)
      .where(and(eq(datasetRuns.projectId, projectId), eq(datasetRuns.id, id)));
    return row;
  }

  /** Removes the run and answers what it was, or nothing when there was none. */
  async deleteRun(projectId: string, datasetId: string, name: string): Promise<DatasetRunRow | undefined> {
    const [row] = await this.db
      .delete(datasetRuns)
      .where(and(eq(datasetRuns.projectId, projectId), eq(datasetRuns.datasetId, datasetId), eq(datasetRuns.name, name)))
      .returning();
    return row;
  }

  async listRuns(projectId: string, datasetId: string, page: { limit: number; offset: number }): Promise<{ rows: DatasetRunRow[]; total: number }> {
    const where = and(eq(datasetRuns.projectId, projectId), eq(datasetRuns.datasetId, datasetId));
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(datasetRuns)
        .where(where)
        .orderBy(...runOrder)
        .limit(page.limit)
        .offset(page.offset),
      this.db.select({ n: count() }).from(datasetRuns).where(where),
    ]);
    return { rows, total: total?.n ?? 0 };
  }

  /** The names of each dataset's runs, newest first. */
  async runNamesOf(projectId: string, datasetIds: string[]): Promise<Map<string, string[]>> {
    const names = new Map<string, string[]>(datasetIds.map((id) => [id, []]));
    if (datasetIds.length === 0) return names;
    const rows = await this.db
      .select({ name: datasetRuns.name, datasetId: datasetRuns.datasetId })
      .from(datasetRuns)
      .where(and(eq(datasetRuns.projectId, projectId), sql`${datasetRuns.datasetId} = any(${sql.param(datasetIds)}::text[])`))
      .orderBy(...runOrder);
    for (const row of rows) names.get(row.datasetId)?.push(row.name);
    return names;
  }
}
