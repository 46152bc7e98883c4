import { randomUUID } from "node:crypto";
import { and, count, eq, sql } from "drizzle-orm";
import type { Database } from "../connect.ts";
import { organizationMemberships, projectMemberships, users, type MembershipRole, type UserRow } from "../schema.ts";

/** A membership as the API shows it: the role and who holds it. */
export interface Member {
  userId: string;
  role: MembershipRole;
  email: string | null;
  name: string | null;
}

/** Why changing an organization membership was refused, or that it went through. */
export type MembershipChange = "done" | "last-owner";

const memberColumns = (role: typeof organizationMemberships.role | typeof projectMemberships.role) => ({
  userId: users.id,
  role,
  email: users.email,
  name: users.name,
});

type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/**
 * Organization and project memberships. A project membership hangs off the organization
 * membership, so removing someone from an organization removes their project roles with it.
 */
export class MembershipRepository {
  constructor(private readonly db: Database) {}

  async listOrganizationMembers(orgId: string): Promise<Member[]> {
    return this.db
      .select(memberColumns(organizationMemberships.role))
      .from(organizationMemberships)
      .innerJoin(users, eq(users.id, organizationMemberships.userId))
      .where(eq(organizationMemberships.orgId, orgId));
  }

  async findOrganizationMember(orgId: string, userId: string): Promise<Member | undefined> {
    const [row] = await this.db
      .select(memberColumns(organizationMemberships.role))
      .from(organizationMemberships)
      .innerJoin(users, eq(users.id, organizationMemberships.userId))
      .where(and(eq(organizationMemberships.orgId, orgId), eq(organizationMemberships.userId, userId)));
    return row;
  }

  /** Adds the user to the organization or changes their role there. */
  async upsertOrganizationMembership(orgId: string, userId: string, role: MembershipRole): Promise<Member> {
    await this.upsertIn(this.db, orgId, userId, role);
    return (await this.findOrganizationMember(orgId, userId))!;
  }

  /** Adds the user with the role unless they are a member already; true when it added them. */
  async addToOrganization(orgId: string, userId: string, role: MembershipRole): Promise<boolean> {
    const inserted = await this.db
      .insert(organizationMemberships)
      .values({ id: randomUUID(), orgId, userId, role })
      .onConflictDoNothing({ target: [organizationMemberships.orgId, organizationMemberships.userId] })
      .returning({ id: organizationMemberships.id });
    return inserted.length > 0;
  }

  /** Removes the membership, if any, without asking whether it was the last owner. */
  async removeFromOrganization(orgId: string, userId: string): Promise<void> {
    await this.db.delete(organizationMemberships).where(and(eq(organizationMemberships.orgId, orgId), eq(organizationMemberships.userId, userId)));
  }

  /**
   * Removes the membership unless it holds the organization's only OWNER role. The owners are
   * locked first, so two removals at once cannot each see the other as the remaining owner.
   */
  async removeFromOrganizationKeepingAnOwner(orgId: string, userId: string): Promise<MembershipChange> {
    return this.db.transaction(async (tx) => {
      const current = await this.lockedRole(tx, orgId, userId);
      if (current === undefined) return "done";
      if (current === "OWNER" && (await this.ownerCount(tx, orgId)) <= 1) return "last-owner";
      await tx.delete(organizationMemberships).where(and(eq(organizationMemberships.orgId, orgId), eq(organizationMemberships.userId, userId)));
      return "done";
    });
  }

  /**
   * Makes the user a member: with `role`, that role; without, an existing membership stays as it
   * is and a new one has no role (NONE). Taking the OWNER role from the last owner is refused.
   */
  async ensureOrganizationMembershipKeepingAnOwner(orgId: string, userId: string, role?: MembershipRole): Promise<MembershipChange> {
    return this.db.transaction(async (tx) => {
      const current = await this.lockedRole(tx, orgId, userId);
      if (current !== undefined && role === undefined) return "done";
      if (current === "OWNER" && role !== "OWNER" && (await this.ownerCount(tx, orgId)) <= 1) return "last-owner";
      await this.upsertIn(tx, orgId, userId, role ?? "NONE");
      return "done";
    });
  }

  /**
   * The organization's users, oldest membership first, optionally only the one with this email;
   * `offset`/`limit` page through them.
   */
  async listOrganizationUsers(orgId: string, options: { email?: string; offset: number; limit: number }): Promise<{ total: number; users: UserRow[] }> {
    const where = and(eq(organizationMemberships.orgId, orgId), options.email === undefined ? undefined : eq(users.email, options.email));
    const [totals] = await this.db.select({ total: count() }).from(organizationMemberships).innerJoin(users, eq(users.id, organizationMemberships.userId)).where(where);
    const rows = await this.db
      .select({ user: users })
      .from(organizationMemberships)
      .innerJoin(users, eq(users.id, organizationMemberships.userId))
      .where(where)
      .orderBy(organizationMemberships.createdAt, organizationMemberships.id)
      .offset(options.offset)
      .limit(options.limit);
    return { total: totals?.total ?? 0, users: rows.map((row) => row.user) };
  }

  async listProjectMembers(projectId: string): Promise<Member[]> {
    return this.db
      .select(memberColumns(projectMemberships.role))
      .from(projectMemberships)
      .innerJoin(users, eq(users.id, projectMemberships.userId))
      .where(eq(projectMemberships.projectId, projectId));
  }

  /**
   * Gives the user a role in a project of the organization; undefined when the user is not a
   * member of that organization, since the project role rests on the organization membership.
   */
  async upsertProjectMembership(orgId: string, projectId: string, userId: string, role: MembershipRole): Promise<Member | undefined> {
    const [membership] = await this.db
      .select({ id: organizationMemberships.id })
      .from(organizationMemberships)
      .where(and(eq(organizationMemberships.orgId, orgId), eq(organizationMemberships.userId, userId)));
    if (!membership) return undefined;
    await this.db
      .insert(projectMemberships)
      .values({ projectId, userId, orgMembershipId: membership.id, role })
      .onConflictDoUpdate({
        target: [projectMemberships.projectId, projectMemberships.userId],
        set: { role, orgMembershipId: membership.id, updatedAt: sql`now()` },
      });
    const [member] = await this.db
      .select(memberColumns(projectMemberships.role))
      .from(projectMemberships)
      .innerJoin(users, eq(users.id, projectMemberships.userId))
      .where(and(eq(projectMemberships.projectId, projectId), eq(projectMemberships.userId, userId)));
    return member;
  }

  /** True when there was a membership to remove. */
  async deleteProjectMembership(projectId: string, userId: string): Promise<boolean> {
    const deleted = await this.db
      .delete(projectMemberships)
      .where(and(eq(projectMemberships.projectId, projectId), eq(projectMemberships.userId, userId)))
      .returning({ userId: projectMemberships.userId });
    return deleted.length > 0;
  }

  private async upsertIn(db: Database | Transaction, orgId: string, userId: string, role: MembershipRole): Promise<void> {
    await db
      .insert(organizationMemberships)
      .values({ id: randomUUID(), orgId, userId, role })
      .onConflictDoUpdate({
        target: [organizationMemberships.orgId, organizationMemberships.userId],
        set: { role, updatedAt: sql`now()` },
      });
  }

  /** The user's role in the organization, with the organization's memberships locked until the transaction ends. */
  private async lockedRole(tx: Transaction, orgId: string, userId: string): Promise<MembershipRole | undefined> {
    const rows = await tx
      .select({ userId: organizationMemberships.userId, role: organizationMemberships.role })
      .from(organizationMemberships)
      .where(eq(organizationMemberships.orgId, orgId))
      // One order for every transaction, so two of them never wait on each other's locks.
      .orderBy(organizationMemberships.id)
      .for("update");
    return rows.find((row) => row.userId === userId)?.role;
  }

  private async ownerCount(tx: Transaction, orgId: string): Promise<number> {
    return tx.$count(organizationMemberships, and(eq(organizationMemberships.orgId, orgId), eq(organizationMemberships.role, "OWNER")));
  }
}
