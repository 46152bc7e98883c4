import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { jsonbColumn } from "./json-columns.ts";
import { projects } from "./schema.ts";

const instant = (name: string) => timestamp(name, { precision: 3, mode: "date" });

/**
 * A project's LLM connections, named `llm_api_keys` as in the reference. The provider is unique in
 * the project because the API upserts by it.
 */
export const llmApiKeys = pgTable(
  "llm_api_keys",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    adapter: text("adapter", { enum: ["anthropic", "openai", "azure", "bedrock", "google-vertex-ai", "google-ai-studio"] }).notNull(),
    displaySecretKey: text("display_secret_key").notNull(),
    /** Sealed by @wick/secrets (`v1:…`), never the key itself. */
    secretKey: text("secret_key").notNull(),
    baseUrl: text("base_url"),
    customModels: text("custom_models").array().notNull().default(sql`'{}'::text[]`),
    withDefaultModels: boolean("with_default_models").notNull().default(true),
    /** The header names and values as JSON, sealed by @wick/secrets; null when there are none. */
    extraHeaders: text("extra_headers"),
    /** The header names alone, which the API shows. */
    extraHeaderKeys: text("extra_header_keys").array().notNull().default(sql`'{}'::text[]`),
    config: jsonbColumn<Record<string, string | boolean>>("config"),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [unique("llm_api_keys_project_id_provider_key").on(t.projectId, t.provider), index("llm_api_keys_project_id_created_at_idx").on(t.projectId, t.createdAt)],
);

export type LlmApiKeyRow = typeof llmApiKeys.$inferSelect;
