import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../connect.ts";
import { users, type UserRow } from "../schema.ts";

/**
 * The one place users are read and written: organizations, projects and anything that assigns
 * work to people (annotation queues) refer to these rows by id.
 */
export class UserRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row;
  }

  async findByEmail(email: string): Promise<UserRow | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.email, email.toLowerCase()));
    return row;
  }

  /**
   * The user with this email, created with the name when there is none. An existing user is
   * returned unchanged: another organization may have provisioned them under another name.
   */
  async ensureByEmail(values: { email: string; name?: string | null }): Promise<UserRow> {
    const email = values.email.toLowerCase();
    const [inserted] = await this.db
      .insert(users)
      .values({ id: randomUUID(), email, name: values.name ?? null })
      .onConflictDoNothing({ target: users.email })
      .returning();
    return inserted ?? (await this.findByEmail(email))!;
  }
}
