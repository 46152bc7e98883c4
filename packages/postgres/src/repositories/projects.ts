import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../connect.ts";
import { organizations, projects, type OrganizationRow, type ProjectRow } from "../schema.ts";

export type ProjectWithOrganization = ProjectRow & { organization: Pick<OrganizationRow, "id" | "name"> };

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
  async ensure(values: {
    id: string;
    orgId: string;
    name: string;
    retentionDays?: number | null;
  }): Promise<{ row: ProjectRow; created: boolean }> {
    const [inserted] = await this.db.insert(projects).values(values).onConflictDoNothing().returning();
    if (inserted) return { row: inserted, created: true };
    return { row: (await this.findById(values.id))!, created: false };
  }

  async count(): Promise<number> {
    return this.db.$count(projects);
  }
}
