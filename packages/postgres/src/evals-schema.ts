import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { jsonbColumn } from "./json-columns.ts";
import { projects } from "./schema.ts";

const instant = (name: string) => timestamp(name, { precision: 3, mode: "date" });

/**
 * An evaluator family: the stable id and name its versions share. `blocked_*` record why it cannot
 * run (an LLM connection gone, no default model); the rules using it then report `paused`.
 */
export const evaluators = pgTable(
  "evaluators",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    type: text("type", { enum: ["LLM_AS_JUDGE", "CODE"] }).notNull(),
    description: text("description"),
    blockedAt: instant("blocked_at"),
    blockReason: text("block_reason"),
    blockMessage: text("block_message"),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [index("evaluators_project_id_name_idx").on(t.projectId, t.name), index("evaluators_project_id_updated_at_idx").on(t.projectId, t.updatedAt)],
);

/** One version of an evaluator; a POST with a taken name appends the next. */
export const evaluatorVersions = pgTable(
  "evaluator_versions",
  {
    evaluatorId: text("evaluator_id")
      .notNull()
      .references(() => evaluators.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    prompt: text("prompt"),
    provider: text("provider"),
    model: text("model"),
    modelParams: jsonbColumn<Record<string, unknown>>("model_params"),
    vars: text("vars").array().notNull().default(sql`'{}'::text[]`),
    variableMapping: jsonbColumn<unknown[]>("variable_mapping"),
    outputDefinition: jsonbColumn<Record<string, unknown>>("output_definition"),
    sourceCode: text("source_code"),
    sourceCodeLanguage: text("source_code_language", { enum: ["PYTHON", "TYPESCRIPT"] }),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "evaluator_versions_pkey", columns: [t.evaluatorId, t.version] })],
);

/**
 * Which targets get evaluated, how often and by what. `target_object` is `event` for observation
 * rules and `experiment`; the reference's legacy `trace`/`dataset` rules cannot be created here.
 */
export const evaluationRules = pgTable(
  "evaluation_rules",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    status: text("status", { enum: ["ACTIVE", "INACTIVE"] }).notNull(),
    targetObject: text("target_object").notNull(),
    filter: jsonbColumn<unknown[]>("filter").notNull(),
    sampling: doublePrecision("sampling").notNull().default(1),
    delay: integer("delay").notNull().default(0),
    timeScope: text("time_scope").array().notNull().default(sql`'{NEW}'::text[]`),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [index("evaluation_rules_project_id_created_at_idx").on(t.projectId, t.createdAt)],
);

/** An evaluator a rule runs; a null mapping inherits the evaluator's default. */
export const evaluationRuleAssignments = pgTable(
  "evaluation_rule_evaluator_assignments",
  {
    id: text("id").primaryKey(),
    evaluationRuleId: text("evaluation_rule_id")
      .notNull()
      .references(() => evaluationRules.id, { onDelete: "cascade" }),
    evaluatorId: text("evaluator_id")
      .notNull()
      .references(() => evaluators.id, { onDelete: "cascade" }),
    variableMapping: jsonbColumn<unknown[]>("variable_mapping"),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [
    unique("evaluation_rule_evaluator_assignments_rule_evaluator_key").on(t.evaluationRuleId, t.evaluatorId),
    index("evaluation_rule_evaluator_assignments_evaluator_id_idx").on(t.evaluatorId),
  ],
);

export type EvaluatorRow = typeof evaluators.$inferSelect;
export type EvaluatorVersionRow = typeof evaluatorVersions.$inferSelect;
export type EvaluationRuleRow = typeof evaluationRules.$inferSelect;
export type EvaluationRuleAssignmentRow = typeof evaluationRuleAssignments.$inferSelect;
