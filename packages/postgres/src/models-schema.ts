import { sql } from "drizzle-orm";
import { boolean, index, integer, numeric, pgTable, text, timestamp, unique } from "drizzle-orm/pg-core";
import { jsonbColumn } from "./json-columns.ts";
import { projects } from "./schema.ts";

const createdAt = () => timestamp("created_at", { precision: 3, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { precision: 3, mode: "date" }).notNull().defaultNow();

/**
 * Model definitions: which observation model names they match and how to tokenise them. Rows
 * without a project are Wick-managed defaults, visible to every project.
 */
export const models = pgTable(
  "models",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").references(() => projects.id, { onDelete: "cascade" }),
    modelName: text("model_name").notNull(),
    /** A Postgres (ARE) regex, applied with `~` to the observation's model name. */
    matchPattern: text("match_pattern").notNull(),
    startDate: timestamp("start_date", { precision: 3, mode: "date" }),
    unit: text("unit"),
    tokenizerId: text("tokenizer_id"),
    tokenizerConfig: jsonbColumn("tokenizer_config"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // NULLS NOT DISTINCT: managed models (NULL project) must be unique by name too.
    unique("models_project_id_model_name_start_date_unit_key").on(t.projectId, t.modelName, t.startDate, t.unit).nullsNotDistinct(),
  ],
);

/** Price sets of a model: one default tier plus optional tiers chosen by conditions. */
export const pricingTiers = pgTable(
  "pricing_tiers",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    priority: integer("priority").notNull(),
    /** Usage or attribute conditions that must all hold (see @wick/models). */
    conditions: jsonbColumn("conditions").notNull().default(sql`'[]'::jsonb`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("pricing_tiers_model_id_priority_key").on(t.modelId, t.priority), unique("pricing_tiers_model_id_name_key").on(t.modelId, t.name)],
);

/** USD per unit of one usage type (`input`, `output`, `cache_read_input_tokens`, …) in one tier. */
export const prices = pgTable(
  "prices",
  {
    id: text("id").primaryKey(),
    modelId: text("model_id")
      .notNull()
      .references(() => models.id, { onDelete: "cascade" }),
    pricingTierId: text("pricing_tier_id")
      .notNull()
      .references(() => pricingTiers.id, { onDelete: "cascade" }),
    usageType: text("usage_type").notNull(),
    // Unconstrained numeric keeps prices exact; drizzle reads them as decimal strings.
    price: numeric("price").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [unique("prices_model_id_usage_type_pricing_tier_id_key").on(t.modelId, t.usageType, t.pricingTierId), index("prices_pricing_tier_id_idx").on(t.pricingTierId)],
);

export type ModelRow = typeof models.$inferSelect;
export type PricingTierRow = typeof pricingTiers.$inferSelect;
export type PriceRow = typeof prices.$inferSelect;
