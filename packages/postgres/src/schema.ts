import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { jsonbColumn } from "./json-columns.ts";

const createdAt = () => timestamp("created_at", { precision: 3, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { precision: 3, mode: "date" }).notNull().defaultNow();

export const organizations = pgTable("organizations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  metadata: jsonbColumn("metadata"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const projects = pgTable(
  "projects",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    metadata: jsonbColumn("metadata"),
    retentionDays: integer("retention_days"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp("deleted_at", { precision: 3, mode: "date" }),
  },
  (t) => [index("projects_org_id_idx").on(t.orgId)],
);

export const apiKeyScope = pgEnum("api_key_scope", ["ORGANIZATION", "PROJECT"]);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    createdAt: createdAt(),
    note: text("note"),
    publicKey: text("public_key").notNull().unique(),
    // Same construction as Langfuse's fast hash, so rows carried over from a
    // Langfuse database (with the same SALT) keep authenticating.
    fastHashedSecretKey: text("fast_hashed_secret_key").notNull().unique(),
    displaySecretKey: text("display_secret_key").notNull(),
    lastUsedAt: timestamp("last_used_at", { precision: 3, mode: "date" }),
    expiresAt: timestamp("expires_at", { precision: 3, mode: "date" }),
    projectId: text("project_id").references(() => projects.id, { onDelete: "cascade" }),
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    scope: apiKeyScope("scope").notNull().default("PROJECT"),
  },
  (t) => [index("api_keys_project_id_idx").on(t.projectId), index("api_keys_organization_id_idx").on(t.organizationId)],
);

/**
 * People the API manages (Wick has no login): an identity with an email that organizations and
 * projects grant roles to. Emails are stored lowercase by every path that writes them.
 */
export const users = pgTable("users", {
  id: text("id").primaryKey(),
  name: text("name"),
  email: text("email").unique(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Highest to lowest; NONE grants nothing unless a project membership does. */
export const membershipRole = pgEnum("membership_role", ["OWNER", "ADMIN", "MEMBER", "VIEWER", "NONE"]);

export const organizationMemberships = pgTable(
  "organization_memberships",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: membershipRole("role").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("organization_memberships_org_id_user_id_key").on(t.orgId, t.userId), index("organization_memberships_user_id_idx").on(t.userId)],
);

/** A role in one project that overrides the organization role; it goes when the organization membership goes. */
export const projectMemberships = pgTable(
  "project_memberships",
  {
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    orgMembershipId: text("org_membership_id")
      .notNull()
      .references(() => organizationMemberships.id, { onDelete: "cascade" }),
    role: membershipRole("role").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index("project_memberships_org_membership_id_idx").on(t.orgMembershipId)],
);

/** Instance-wide values the server generates once and must keep, such as the key-hashing salt. */
export const instanceSettings = pgTable("instance_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestamp("created_at", { precision: 3, mode: "date" }).notNull().default(sql`now()`),
});

/**
 * The connections through which Wick instances hear of writes that make their caches stale (one per
 * instance and channel), each trusted by its instance until `lease_until` at the latest: a write
 * waits for each live one to acknowledge it, or for its lease to end, before it is answered.
 */
export const instanceListeners = pgTable("instance_listeners", {
  id: uuid("id").primaryKey(),
  channel: text("channel").notNull(),
  pid: integer("pid").notNull(),
  leaseUntil: timestamp("lease_until", { precision: 3, withTimezone: true, mode: "date" }).notNull(),
});

export type OrganizationRow = typeof organizations.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type MembershipRole = (typeof membershipRole.enumValues)[number];
