import { and, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import { models, type Database } from "@wick/postgres";
import type { ModelDefinition, PricingTier } from "./model.ts";

/**
 * A model with its tiers and their prices in one row, so one query answers any number of models.
 * Prices leave Postgres as text: JSON numbers would round them through floats. The outer row is
 * named `models.id` outright: drizzle leaves columns unqualified in single-table selects, and a bare
 * `id` inside the subquery would mean the tier's own.
 */
const definitionColumns = {
  id: models.id,
  projectId: models.projectId,
  modelName: models.modelName,
  matchPattern: models.matchPattern,
  startDate: models.startDate,
  unit: models.unit,
  tokenizerId: models.tokenizerId,
  tokenizerConfig: models.tokenizerConfig,
  createdAt: models.createdAt,
  pricingTiers: sql<PricingTier[]>`coalesce((
    select json_agg(json_build_object(
      'id', t.id, 'name', t.name, 'isDefault', t.is_default, 'priority', t.priority, 'conditions', t.conditions,
      'prices', coalesce((select json_object_agg(p.usage_type, p.price::text) from prices p where p.pricing_tier_id = t.id), '{}'::json)
    ) order by t.priority)
    from pricing_tiers t where t.model_id = models.id
  ), '[]'::json)`,
};

/** The project's own models and the Wick-managed ones. */
function visibleTo(projectId: string): SQL {
  return or(eq(models.projectId, projectId), isNull(models.projectId))!;
}

/**
 * The model each name resolves to, in one query: names matching `match_pattern` under Postgres's
 * `~`, project models before managed ones (NULL sorts last), then the newest start date.
 */
export async function matchModelNames(db: Database, projectId: string, names: readonly string[]): Promise<Map<string, ModelDefinition>> {
  if (names.length === 0) return new Map();
  const candidates = sql.join(
    names.map((name) => sql`(${name}::text)`),
    sql`, `,
  );
  const rows = await db
    .selectDistinctOn([sql`candidate.name`], { name: sql<string>`candidate.name`, ...definitionColumns })
    .from(models)
    .innerJoin(sql`(values ${candidates}) as candidate(name)`, sql`candidate.name ~ ${models.matchPattern}`)
    .where(visibleTo(projectId))
    .orderBy(sql`candidate.name`, sql`${models.projectId} asc nulls last`, sql`${models.startDate} desc nulls last`, models.id);
  return new Map(rows.map(({ name, ...model }) => [name, model]));
}

/** A page of the models a project sees, in the reference's order; names compare bytewise on every server. */
export async function listModels(db: Database, projectId: string, page: { limit: number; offset: number }): Promise<{ models: ModelDefinition[]; total: number }> {
  const [rows, total] = await Promise.all([
    db
      .select(definitionColumns)
      .from(models)
      .where(visibleTo(projectId))
      .orderBy(sql`${models.modelName} collate "C" asc`, sql`${models.unit} asc nulls last`, sql`${models.startDate} desc nulls last`, models.id)
      .limit(page.limit)
      .offset(page.offset),
    db.$count(models, visibleTo(projectId)),
  ]);
  return { models: rows, total };
}

export async function findModel(db: Database, projectId: string, id: string): Promise<ModelDefinition | undefined> {
  const [row] = await db
    .select(definitionColumns)
    .from(models)
    .where(and(eq(models.id, id), visibleTo(projectId)));
  return row;
}
