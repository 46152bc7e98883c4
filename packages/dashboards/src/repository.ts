import { and, count, desc, eq, inArray } from "drizzle-orm";
import { dashboards, dashboardWidgets, type Database, type DashboardRow } from "@wick/postgres";

export type DashboardValues = Pick<DashboardRow, "name" | "description" | "definition" | "filters">;

/** A project's dashboards in Postgres; every read and write is bounded to the project. */
export class DashboardRepository {
  constructor(private readonly db: Database) {}

  /** Runs `work` in one transaction, with a repository bound to it. */
  transaction<T>(work: (repository: DashboardRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new DashboardRepository(tx)));
  }

  /** A page of the project's dashboards, most recently updated first (ids break ties, so pages neither skip nor repeat). */
  async page(projectId: string, page: number, limit: number): Promise<{ rows: DashboardRow[]; total: number }> {
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(dashboards)
        .where(eq(dashboards.projectId, projectId))
        .orderBy(desc(dashboards.updatedAt), desc(dashboards.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(dashboards).where(eq(dashboards.projectId, projectId)),
    ]);
    return { rows, total: total?.total ?? 0 };
  }

  async find(projectId: string, id: string): Promise<DashboardRow | undefined> {
    const [row] = await this.db
      .select()
      .from(dashboards)
      .where(and(eq(dashboards.projectId, projectId), eq(dashboards.id, id)));
    return row;
  }

  /** The dashboard, locked until the transaction ends, so that placement edits apply one after another. */
  async findForUpdate(projectId: string, id: string): Promise<DashboardRow | undefined> {
    const [row] = await this.db
      .select()
      .from(dashboards)
      .where(and(eq(dashboards.projectId, projectId), eq(dashboards.id, id)))
      .for("update");
    return row;
  }

  async insert(projectId: string, id: string, values: DashboardValues): Promise<DashboardRow> {
    const [row] = await this.db
      .insert(dashboards)
      .values({ id, projectId, ...values })
      .returning();
    return row!;
  }

  async update(projectId: string, id: string, values: Partial<DashboardValues>): Promise<DashboardRow | undefined> {
    const [row] = await this.db
      .update(dashboards)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(dashboards.projectId, projectId), eq(dashboards.id, id)))
      .returning();
    return row;
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(dashboards)
      .where(and(eq(dashboards.projectId, projectId), eq(dashboards.id, id)))
      .returning({ id: dashboards.id });
    return deleted.length > 0;
  }

  /**
   * Which of these widget ids are widgets of the project, each locked shared until the transaction
   * ends, so a widget being deleted is either gone here or waits for the placement to commit.
   */
  async existingWidgets(projectId: string, widgetIds: string[]): Promise<Set<string>> {
    if (widgetIds.length === 0) return new Set();
    const rows = await this.db
      .select({ id: dashboardWidgets.id })
      .from(dashboardWidgets)
      .where(and(eq(dashboardWidgets.projectId, projectId), inArray(dashboardWidgets.id, widgetIds)))
      .for("share");
    return new Set(rows.map((row) => row.id));
  }
}
