import { and, asc, count, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "../connect.ts";
import { organizations, projects, type OrganizationRow, type ProjectRow } from "../schema.ts";

export type ProjectWithOrganization = ProjectRow & { organization: Pick<OrganizationRow, "id" | "name"> };

/** A project as organization listings show it; metadata that is not a JSON object reads as null. */
const summaryColumns = {
  id: projects.id,
  name: projects.name,
  metadata: sql<Record<string, unknown> | null>`case when jsonb_typeof(${projects.metadata}) = 'object' then ${projects.metadata} end`,
  createdAt: projects.createdAt,
  updatedAt: projects.updatedAt,
};

export class ProjectRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<ProjectRow | undefined> {
    const [row] = await this.db.select().from(projects).where(eq(projects.id, id));
    return row;
  }

  /** The project with its organization, unless it is soft-deleted. */
  async findLiveWithOrganization(id: string): Promise<ProjectWithOrganization | undefined> {
    const [row] = await this.db
      .select({ project: projects, organization: { id: organizations.id, name: organizations.name } })
      .from(projects)
      .innerJoin(organizations, eq(organizations.id, projects.orgId))
      .where(and(eq(projects.id, id), isNull(projects.deletedAt)));
    return row && { ...row.project, organization: row.organization };
  }

  /** Creates the project unless one with this id exists (in any organization, deleted or not). */
  async ensure(values: { id: string; orgId: string; name: string; retentionDays?: number | null }): Promise<{ row: ProjectRow; created: boolean }> {
    const [inserted] = await this.db.insert(projects).values(values).onConflictDoNothing().returning();
    if (inserted) return { row: inserted, created: true };
    return { row: (await this.findById(values.id))!, created: false };
  }

  async count(): Promise<number> {
    return this.db.$count(projects);
  }

  /** The project if it belongs to the organization; soft-deleted ones only with `includeDeleted`. */
  async findInOrganization(id: string, orgId: string, options: { includeDeleted?: boolean } = {}): Promise<ProjectRow | undefined> {
    const [row] = await this.db
      .select()
      .from(projects)
      .where(and(eq(projects.id, id), eq(projects.orgId, orgId), options.includeDeleted ? undefined : isNull(projects.deletedAt)));
    return row;
  }

  /** The organization's projects that are not deleted, oldest first. */
  async listLiveSummaries(orgId: string) {
    return this.db
      .select(summaryColumns)
      .from(projects)
      .where(and(eq(projects.orgId, orgId), isNull(projects.deletedAt)))
      .orderBy(asc(projects.createdAt), asc(projects.id));
  }

  /** Every organization's projects that are not deleted, oldest first, by organization id. */
  async liveSummariesByOrganization() {
    const rows = await this.db
      .select({ ...summaryColumns, orgId: projects.orgId })
      .from(projects)
      .where(isNull(projects.deletedAt))
      .orderBy(asc(projects.createdAt), asc(projects.id));
    const byOrganization = new Map<string, Array<Omit<(typeof rows)[number], "orgId">>>();
    for (const { orgId, ...summary } of rows) {
      const list = byOrganization.get(orgId);
      if (list) list.push(summary);
      else byOrganization.set(orgId, [summary]);
    }
    return byOrganization;
  }

  /** Whether a project that is not deleted already has this name in the organization. */
  async liveNameExists(orgId: string, name: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: projects.id })
      .from(projects)
      .where(and(eq(projects.orgId, orgId), eq(projects.name, name), isNull(projects.deletedAt)))
      .limit(1);
    return row !== undefined;
  }

  /** How many of the organization's projects are live and how many soft-deleted. */
  async countInOrganization(orgId: string): Promise<{ live: number; deleted: number }> {
    const [row] = await this.db
      .select({ total: count(), deleted: count(projects.deletedAt) })
      .from(projects)
      .where(eq(projects.orgId, orgId));
    return { live: (row?.total ?? 0) - (row?.deleted ?? 0), deleted: row?.deleted ?? 0 };
  }

  async create(values: { id: string; orgId: string; name: string; metadata?: unknown; retentionDays?: number | null }): Promise<ProjectRow> {
    const [row] = await this.db.insert(projects).values(values).returning();
    return row!;
  }

  /** Renames the project and replaces what is given of its metadata and retention. */
  async update(id: string, values: { name: string; metadata?: unknown; retentionDays?: number | null }): Promise<ProjectRow | undefined> {
    const [row] = await this.db
      .update(projects)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(projects.id, id))
      .returning();
    return row;
  }

  async softDelete(id: string): Promise<void> {
    await this.db
      .update(projects)
      .set({ deletedAt: new Date() })
      .where(and(eq(projects.id, id), isNull(projects.deletedAt)));
  }

  /** The ids of every live project. */
  async liveIds(): Promise<string[]> {
    const rows = await this.db.select({ id: projects.id }).from(projects).where(isNull(projects.deletedAt));
    return rows.map((row) => row.id);
  }

  /** Live projects that keep their tracing data for a limited number of days. */
  async withRetention(): Promise<Array<{ id: string; retentionDays: number }>> {
    const rows = await this.db
      .select({ id: projects.id, retentionDays: projects.retentionDays })
      .from(projects)
      .where(and(isNull(projects.deletedAt), gt(projects.retentionDays, 0)));
    return rows.map((row) => ({ id: row.id, retentionDays: row.retentionDays! }));
  }

  /** Projects deleted through the API whose data is still to be removed (`purge`). */
  async awaitingPurge(): Promise<string[]> {
    const rows = await this.db.select({ id: projects.id }).from(projects).where(isNotNull(projects.deletedAt));
    return rows.map((row) => row.id);
  }

  /**
   * Removes a deleted project's rows from every table, then the project itself, in one
   * transaction. The tables are found in the catalog (every table with a `project_id` column),
   * not listed here: foreign keys cascade from the project for most, but link and version tables
   * carry the project id without one, and a table added later must not be missed.
   */
  async purge(id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(projects).where(and(eq(projects.id, id), isNotNull(projects.deletedAt)));
      // Both drivers (node-postgres and PGlite) answer `execute` with the rows under `rows`.
      const { rows: tables } = (await tx.execute(
        sql`select c.table_name from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
            where c.table_schema = current_schema() and c.column_name = 'project_id' and t.table_type = 'BASE TABLE' order by c.table_name`,
      )) as unknown as { rows: Array<{ table_name: string }> };
      for (const { table_name } of tables) await tx.execute(sql`delete from ${sql.identifier(table_name)} where project_id = ${id}`);
    });
  }
}
