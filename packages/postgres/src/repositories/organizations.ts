import { eq } from "drizzle-orm";
import type { Database } from "../connect.ts";
import { organizations, type OrganizationRow } from "../schema.ts";

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
}
