import { and, asc, eq, notExists } from "drizzle-orm";
import type { Database } from "../connect.ts";
import { organizations, projects, type OrganizationRow } from "../schema.ts";

export class OrganizationRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<OrganizationRow | undefined> {
    const [row] = await this.db.select().from(organizations).where(eq(organizations.id, id));
    return row;
  }

  async create(values: { id: string; name: string; metadata?: unknown }): Promise<OrganizationRow> {
    const [row] = await this.db.insert(organizations).values(values).returning();
    return row!;
  }

  /** Creates the organization unless one with this id exists; never renames an existing one. */
  async ensure(values: { id: string; name: string }): Promise<{ row: OrganizationRow; created: boolean }> {
    const [inserted] = await this.db.insert(organizations).values(values).onConflictDoNothing().returning();
    if (inserted) return { row: inserted, created: true };
    return { row: (await this.findById(values.id))!, created: false };
  }

  async count(): Promise<number> {
    return this.db.$count(organizations);
  }

  /** Every organization, oldest first. */
  async list(): Promise<OrganizationRow[]> {
    return this.db.select().from(organizations).orderBy(asc(organizations.createdAt), asc(organizations.id));
  }

  /** Renames the organization and, when given, replaces its metadata; undefined when it does not exist. */
  async update(id: string, values: { name: string; metadata?: unknown }): Promise<OrganizationRow | undefined> {
    const [row] = await this.db
      .update(organizations)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(organizations.id, id))
      .returning();
    return row;
  }

  /**
   * Deletes the organization (its organization keys go with it) unless it has projects, deleted
   * ones included, checked in the same statement so a project created meanwhile is never lost.
   */
  async deleteIfWithoutProjects(id: string): Promise<boolean> {
    const hasProjects = this.db.select({ id: projects.id }).from(projects).where(eq(projects.orgId, id));
    const deleted = await this.db
      .delete(organizations)
      .where(and(eq(organizations.id, id), notExists(hasProjects)))
      .returning({ id: organizations.id });
    return deleted.length > 0;
  }
}
