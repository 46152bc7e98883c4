import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import { models, prices, pricingTiers, type Database } from "@wick/postgres";
import { DEFAULT_MODELS, type DefaultModel } from "./default-models.ts";
import { managedModelRows } from "./managed-model-rows.ts";
import type { ModelDefinition, PricingTier } from "./model.ts";
import { isInvalidRegexError, ModelValidationError, pricingRowsOf, type NewModel } from "./model-writes.ts";

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

// Any fixed 64-bit number; concurrent Wick instances starting at once sync one after the other.
const SYNC_LOCK_ID = 7_316_402_119;

/** `excluded.<column>` differs from the stored value: only real changes rewrite a row. */
const changed = (table: string, columns: string[]) =>
  sql.raw(`(${columns.map((c) => `"${table}"."${c}"`).join(", ")}) is distinct from (${columns.map((c) => `excluded."${c}"`).join(", ")})`);

/** Model definitions with their pricing tiers and prices, in Postgres: each project's own and the Wick-managed ones. */
export class ModelRepository {
  constructor(private readonly db: Database) {}

  /**
   * The model each name resolves to, in one query: names matching `match_pattern` under Postgres's
   * `~`, project models before managed ones (NULL sorts last), then the newest start date.
   */
  async matchNames(projectId: string, names: readonly string[]): Promise<Map<string, ModelDefinition>> {
    if (names.length === 0) return new Map();
    const candidates = sql.join(
      names.map((name) => sql`(${name}::text)`),
      sql`, `,
    );
    const rows = await this.db
      .selectDistinctOn([sql`candidate.name`], { name: sql<string>`candidate.name`, ...definitionColumns })
      .from(models)
      .innerJoin(sql`(values ${candidates}) as candidate(name)`, sql`candidate.name ~ ${models.matchPattern}`)
      .where(visibleTo(projectId))
      .orderBy(sql`candidate.name`, sql`${models.projectId} asc nulls last`, sql`${models.startDate} desc nulls last`, models.id);
    return new Map(rows.map(({ name, ...model }) => [name, model]));
  }

  /** A page of the models a project sees, in the reference's order; names compare bytewise on every server. */
  async listVisible(projectId: string, page: { limit: number; offset: number }): Promise<{ models: ModelDefinition[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.db
        .select(definitionColumns)
        .from(models)
        .where(visibleTo(projectId))
        .orderBy(sql`${models.modelName} collate "C" asc`, sql`${models.unit} asc nulls last`, sql`${models.startDate} desc nulls last`, models.id)
        .limit(page.limit)
        .offset(page.offset),
      this.db.$count(models, visibleTo(projectId)),
    ]);
    return { models: rows, total };
  }

  /** A project or managed model by id; undefined for another project's. */
  async findVisible(projectId: string, id: string): Promise<ModelDefinition | undefined> {
    const [row] = await this.db
      .select(definitionColumns)
      .from(models)
      .where(and(eq(models.id, id), visibleTo(projectId)));
    return row;
  }

  /** Stores a project model with its tiers and prices, all or nothing; throws ModelValidationError for a taken name or a bad pattern. */
  async createProjectModel(projectId: string, model: NewModel): Promise<ModelDefinition> {
    if (!(await this.isValidPattern(model.matchPattern))) throw new ModelValidationError("matchPattern is not a valid regex pattern (Postgres)");
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      const [taken] = await tx
        .select({ id: models.id })
        .from(models)
        .where(and(eq(models.projectId, projectId), eq(models.modelName, model.modelName)))
        .limit(1);
      if (taken) throw new ModelValidationError(`Model name '${model.modelName}' already exists in project`);
      const { pricingTiers: tiers, ...columns } = model;
      await tx.insert(models).values({ id, projectId, ...columns });
      const { tierRows, priceRows } = pricingRowsOf(id, tiers);
      if (tierRows.length > 0) await tx.insert(pricingTiers).values(tierRows);
      if (priceRows.length > 0) await tx.insert(prices).values(priceRows);
    });
    return (await this.findVisible(projectId, id))!;
  }

  /** Deletes a project's own model with its tiers and prices; managed and other projects' models are never touched. */
  async deleteProjectModel(projectId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(models)
      .where(and(eq(models.id, id), eq(models.projectId, projectId)))
      .returning({ id: models.id });
    return deleted.length > 0;
  }

  /**
   * Makes the Wick-managed models (project NULL) exactly `definitions`: inserts new ones, updates
   * changed patterns, tokenizers, tiers and prices, and removes models, tiers and prices no longer
   * listed. Idempotent; run at start-up, before any catalog caches anything.
   */
  async syncManaged(definitions: readonly DefaultModel[] = DEFAULT_MODELS): Promise<void> {
    const { modelRows, tierRows, priceRows } = managedModelRows(definitions);
    const modelIds = modelRows.map((row) => row.id);
    await this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SYNC_LOCK_ID})`);
      await tx.delete(models).where(and(isNull(models.projectId), notInArray(models.id, modelIds)));
      if (modelRows.length === 0) return;
      await tx
        .insert(models)
        .values(modelRows)
        .onConflictDoUpdate({
          target: models.id,
          set: {
            modelName: sql`excluded.model_name`,
            matchPattern: sql`excluded.match_pattern`,
            tokenizerId: sql`excluded.tokenizer_id`,
            tokenizerConfig: sql`excluded.tokenizer_config`,
            updatedAt: sql`now()`,
          },
          setWhere: changed("models", ["model_name", "match_pattern", "tokenizer_id", "tokenizer_config"]),
        });
      await tx.delete(pricingTiers).where(
        and(
          inArray(pricingTiers.modelId, modelIds),
          notInArray(
            pricingTiers.id,
            tierRows.map((row) => row.id),
          ),
        ),
      );
      await tx
        .insert(pricingTiers)
        .values(tierRows)
        .onConflictDoUpdate({
          target: pricingTiers.id,
          set: { name: sql`excluded.name`, isDefault: sql`excluded.is_default`, conditions: sql`excluded.conditions`, updatedAt: sql`now()` },
          setWhere: changed("pricing_tiers", ["name", "is_default", "conditions"]),
        });
      await tx.delete(prices).where(
        and(
          inArray(prices.modelId, modelIds),
          notInArray(
            prices.id,
            priceRows.map((row) => row.id),
          ),
        ),
      );
      await tx
        .insert(prices)
        .values(priceRows)
        .onConflictDoUpdate({ target: prices.id, set: { price: sql`excluded.price`, updatedAt: sql`now()` }, setWhere: changed("prices", ["price"]) });
    });
  }

  /** Whether Postgres can compile the pattern, checked the way matching will use it. */
  private async isValidPattern(pattern: string): Promise<boolean> {
    try {
      await this.db.execute(sql`select 'test_string' ~ ${pattern}`);
      return true;
    } catch (error) {
      if (isInvalidRegexError(error)) return false;
      throw error;
    }
  }
}
