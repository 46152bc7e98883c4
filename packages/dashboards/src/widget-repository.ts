import { and, count, desc, eq, sql } from "drizzle-orm";
import { dashboards, dashboardWidgets, type Database, type DashboardWidgetRow } from "@wick/postgres";

export type WidgetValues = Omit<DashboardWidgetRow, "id" | "projectId" | "createdAt" | "updatedAt">;

/** A project's dashboard widgets in Postgres; every read and write is bounded to the project. */
export class WidgetRepository {
  constructor(private readonly db: Database) {}

  /** A page of the project's widgets, most recently updated first, ids breaking ties. */
  async page(projectId: string, page: number, limit: number): Promise<{ rows: DashboardWidgetRow[]; total: number }> {
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(dashboardWidgets)
        .where(eq(dashboardWidgets.projectId, projectId))
        .orderBy(desc(dashboardWidgets.updatedAt), desc(dashboardWidgets.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(dashboardWidgets).where(eq(dashboardWidgets.projectId, projectId)),
    ]);
    return { rows, total: total?.total ?? 0 };
  }

  async find(projectId: string, id: string): Promise<DashboardWidgetRow | undefined> {
    const [row] = await this.db
      .select()
      .from(dashboardWidgets)
      .where(and(eq(dashboardWidgets.projectId, projectId), eq(dashboardWidgets.id, id)));
    return row;
  }

  async insert(projectId: string, id: string, values: WidgetValues): Promise<DashboardWidgetRow> {
    const [row] = await this.db
      .insert(dashboardWidgets)
      .values({ id, projectId, ...values })
      .returning();
    return row!;
  }

  async update(projectId: string, id: string, values: WidgetValues): Promise<DashboardWidgetRow | undefined> {
    const [row] = await this.db
      .update(dashboardWidgets)
      .set({ ...values, updatedAt: new Date() })
      .where(and(eq(dashboardWidgets.projectId, projectId), eq(dashboardWidgets.id, id)))
      .returning();
    return row;
  }

  /**
   * Deletes the widget unless a dashboard of the project places it; answers the names of those
   * dashboards instead. The widget row is locked first: a placement being added holds it shared
   * until it commits, so the dashboards read next include that placement (or the placement finds
   * the widget gone).
   */
  async deleteUnlessPlaced(projectId: string, id: string): Promise<{ deleted: boolean; placedOn: string[] }> {
    return this.db.transaction(async (tx) => {
      const [widget] = await tx
        .select({ id: dashboardWidgets.id })
        .from(dashboardWidgets)
        .where(and(eq(dashboardWidgets.projectId, projectId), eq(dashboardWidgets.id, id)))
        .for("update");
      if (!widget) return { deleted: false, placedOn: [] };
      const placing = await tx
        .select({ name: dashboards.name })
        .from(dashboards)
        .where(and(eq(dashboards.projectId, projectId), sql`${dashboards.definition} -> 'widgets' @> ${JSON.stringify([{ widgetId: id }])}::jsonb`))
        .orderBy(dashboards.name);
      if (placing.length > 0) return { deleted: false, placedOn: placing.map((row) => row.name) };
      await tx.delete(dashboardWidgets).where(eq(dashboardWidgets.id, id));
      return { deleted: true, placedOn: [] };
    });
  }
}
