import { randomUUID } from "node:crypto";
import { and, asc, count, desc, eq, inArray } from "drizzle-orm";
import { BOOLEAN_CATEGORIES, scoreConfigIssues, type CreateScoreConfigRequest, type ScoreConfig, type UpdateScoreConfigRequest } from "@wick/contracts";
import { scoreConfigs, type Database, type ScoreConfigRow } from "@wick/postgres";
import { InvalidScoresRequestError } from "./errors.ts";

function configView(row: ScoreConfigRow): ScoreConfig {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    projectId: row.projectId,
    dataType: row.dataType,
    isArchived: row.isArchived,
    minValue: row.minValue,
    maxValue: row.maxValue,
    categories: row.categories,
    description: row.description,
  };
}

type Definition = Pick<ScoreConfigRow, "dataType" | "minValue" | "maxValue" | "categories">;

/** What is stored for a valid definition: BOOLEAN configs keep no range and always the True/False pair. */
function storedDefinition(definition: Definition): Definition {
  if (definition.dataType !== "BOOLEAN") return definition;
  return { dataType: "BOOLEAN", minValue: null, maxValue: null, categories: BOOLEAN_CATEGORIES };
}

/** Score configs in Postgres, always within one project. */
export class ScoreConfigRepository {
  constructor(private readonly db: Database) {}

  async create(projectId: string, body: CreateScoreConfigRequest): Promise<ScoreConfig> {
    const [row] = await this.db
      .insert(scoreConfigs)
      .values({
        id: randomUUID(),
        projectId,
        name: body.name,
        description: body.description ?? null,
        ...storedDefinition({ dataType: body.dataType, minValue: body.minValue ?? null, maxValue: body.maxValue ?? null, categories: body.categories ?? null }),
      })
      .returning();
    return configView(row!);
  }

  async get(projectId: string, id: string): Promise<ScoreConfig | undefined> {
    const [row] = await this.db
      .select()
      .from(scoreConfigs)
      .where(and(eq(scoreConfigs.projectId, projectId), eq(scoreConfigs.id, id)));
    return row && configView(row);
  }

  /** The configs with these ids in the project, by id; ids of other projects are simply absent. */
  async byIds(projectId: string, ids: string[]): Promise<Map<string, ScoreConfig>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select()
      .from(scoreConfigs)
      .where(and(eq(scoreConfigs.projectId, projectId), inArray(scoreConfigs.id, ids)));
    return new Map(rows.map((row) => [row.id, configView(row)]));
  }

  /** Newest first; the id breaks ties so pages neither skip nor repeat. */
  async list(projectId: string, page: number, limit: number): Promise<{ data: ScoreConfig[]; totalItems: number }> {
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(scoreConfigs)
        .where(eq(scoreConfigs.projectId, projectId))
        .orderBy(desc(scoreConfigs.createdAt), asc(scoreConfigs.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ n: count() }).from(scoreConfigs).where(eq(scoreConfigs.projectId, projectId)),
    ]);
    return { data: rows.map(configView), totalItems: total?.n ?? 0 };
  }

  /**
   * Applies a patch over the stored config and checks the result as a whole, since a patch may be
   * valid on its own and not with what is stored (categories on a NUMERIC config, say).
   */
  async update(projectId: string, id: string, patch: UpdateScoreConfigRequest): Promise<ScoreConfig | undefined> {
    return this.db.transaction(async (tx) => {
      const [stored] = await tx
        .select()
        .from(scoreConfigs)
        .where(and(eq(scoreConfigs.projectId, projectId), eq(scoreConfigs.id, id)))
        .for("update");
      if (!stored) return undefined;
      const merged = { ...stored, ...patch };
      const issues = scoreConfigIssues(merged);
      if (issues.length > 0) throw new InvalidScoresRequestError(issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "));
      const [row] = await tx
        .update(scoreConfigs)
        .set({
          name: merged.name,
          isArchived: merged.isArchived,
          description: merged.description,
          ...storedDefinition(merged),
          updatedAt: new Date(),
        })
        .where(eq(scoreConfigs.id, id))
        .returning();
      return configView(row!);
    });
  }
}
