import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";
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

/** Instance-wide values the server generates once and must keep, such as the key-hashing salt. */
export const instanceSettings = pgTable("instance_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  createdAt: timestamp("created_at", { precision: 3, mode: "date" }).notNull().default(sql`now()`),
});

export type OrganizationRow = typeof organizations.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
