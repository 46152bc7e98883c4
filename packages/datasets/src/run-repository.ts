import { and, asc, count, desc, eq, sql } from "drizzle-orm";
import { datasetRuns, type Database, type DatasetRunRow } from "@wick/postgres";

/** Inserts the run unless one with its id or name is there already (the first use wins). */
export async function insertRunIfAbsent(db: Database, row: DatasetRunRow): Promise<void> {
  await db.insert(datasetRuns).values(row).onConflictDoNothing();
}

export async function findRun(db: Database, projectId: string, datasetId: string, name: string): Promise<DatasetRunRow | undefined> {
  const [row] = await db
    .select()
    .from(datasetRuns)
    .where(and(eq(datasetRuns.projectId, projectId), eq(datasetRuns.datasetId, datasetId), eq(datasetRuns.name, name)));
  return row;
}

export async function findRunById(db: Database, projectId: string, id: string): Promise<DatasetRunRow | undefined> {
  const [row] = await db
    .select()
    .from(datasetRuns)
    .where(and(eq(datasetRuns.projectId, projectId), eq(datasetRuns.id, id)));
  return row;
}

/** Removes the run and answers what it was, or nothing when there was none. */
export async function deleteRun(db: Database, projectId: string, datasetId: string, name: string): Promise<DatasetRunRow | undefined> {
  const [row] = await db
    .delete(datasetRuns)
    .where(and(eq(datasetRuns.projectId, projectId), eq(datasetRuns.datasetId, datasetId), eq(datasetRuns.name, name)))
    .returning();
  return row;
}

/** Newest first; the id breaks ties so pages neither skip nor repeat. */
const runOrder = [desc(datasetRuns.createdAt), asc(datasetRuns.id)];

export async function listRuns(db: Database, projectId: string, datasetId: string, page: { limit: number; offset: number }): Promise<{ rows: DatasetRunRow[]; total: number }> {
  const where = and(eq(datasetRuns.projectId, projectId), eq(datasetRuns.datasetId, datasetId));
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(datasetRuns)
      .where(where)
      .orderBy(...runOrder)
      .limit(page.limit)
      .offset(page.offset),
    db.select({ n: count() }).from(datasetRuns).where(where),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** The names of each dataset's runs, newest first. */
export async function runNamesOf(db: Database, projectId: string, datasetIds: string[]): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>(datasetIds.map((id) => [id, []]));
  if (datasetIds.length === 0) return names;
  const rows = await db
    .select({ name: datasetRuns.name, datasetId: datasetRuns.datasetId })
    .from(datasetRuns)
    .where(and(eq(datasetRuns.projectId, projectId), sql`${datasetRuns.datasetId} = any(${sql.param(datasetIds)}::text[])`))
    .orderBy(...runOrder);
  for (const row of rows) names.get(row.datasetId)?.push(row.name);
  return names;
}
