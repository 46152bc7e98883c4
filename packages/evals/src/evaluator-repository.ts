import { and, count, desc, eq, inArray, isNull, notExists, sql } from "drizzle-orm";
import { type Database, evaluationRuleAssignments, evaluationRules, type EvaluatorRow, type EvaluatorVersionRow, evaluators, evaluatorVersions, schema } from "@wick/postgres";

/** The rule targets the unstable API owns; legacy `trace`/`dataset` rules are only read. */
export const RULE_TARGETS = ["event", "experiment"];

export interface EvaluatorWithVersion {
  evaluator: EvaluatorRow;
  version: EvaluatorVersionRow;
}

/** A rule's assignment of an evaluator, with what a new version must still satisfy. */
export interface AssignmentUse {
  ruleTarget: string;
  mapping: unknown[] | null;
}

/** Evaluators and their versions in Postgres, always reached through their project. */
export class EvaluatorRepository {
  constructor(readonly db: Database) {}

  transaction<T>(work: (repository: EvaluatorRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new EvaluatorRepository(tx)));
  }

  /** Locks the project row until the transaction ends, so a project's evaluator and rule writes apply one at a time. */
  async lockProject(projectId: string): Promise<void> {
    await this.db.select({ id: schema.projects.id }).from(schema.projects).where(eq(schema.projects.id, projectId)).for("update");
  }

  async findByName(projectId: string, name: string): Promise<EvaluatorRow[]> {
    return this.db
      .select()
      .from(evaluators)
      .where(and(eq(evaluators.projectId, projectId), eq(evaluators.name, name)));
  }

  async find(projectId: string, id: string): Promise<EvaluatorRow | undefined> {
    const [row] = await this.db
      .select()
      .from(evaluators)
      .where(and(eq(evaluators.projectId, projectId), eq(evaluators.id, id)));
    return row;
  }

  /** The newest version of each evaluator. */
  async latestVersions(evaluatorIds: string[]): Promise<Map<string, EvaluatorVersionRow>> {
    if (evaluatorIds.length === 0) return new Map();
    const rows = await this.db
      .selectDistinctOn([evaluatorVersions.evaluatorId])
      .from(evaluatorVersions)
      .where(inArray(evaluatorVersions.evaluatorId, evaluatorIds))
      .orderBy(evaluatorVersions.evaluatorId, desc(evaluatorVersions.version));
    return new Map(rows.map((row) => [row.evaluatorId, row]));
  }

  async page(projectId: string, page: number, limit: number): Promise<{ rows: EvaluatorRow[]; total: number }> {
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(evaluators)
        .where(eq(evaluators.projectId, projectId))
        .orderBy(desc(evaluators.updatedAt), desc(evaluators.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(evaluators).where(eq(evaluators.projectId, projectId)),
    ]);
    return { rows, total: total?.total ?? 0 };
  }

  /** How many rules assign each evaluator. */
  async ruleCounts(evaluatorIds: string[]): Promise<Map<string, number>> {
    if (evaluatorIds.length === 0) return new Map();
    const rows = await this.db
      .select({ evaluatorId: evaluationRuleAssignments.evaluatorId, total: count() })
      .from(evaluationRuleAssignments)
      .where(inArray(evaluationRuleAssignments.evaluatorId, evaluatorIds))
      .groupBy(evaluationRuleAssignments.evaluatorId);
    return new Map(rows.map((row) => [row.evaluatorId, row.total]));
  }

  /** The observation and experiment rule assignments of an evaluator. */
  async assignments(evaluatorId: string): Promise<AssignmentUse[]> {
    return this.db
      .select({ ruleTarget: evaluationRules.targetObject, mapping: evaluationRuleAssignments.variableMapping })
      .from(evaluationRuleAssignments)
      .innerJoin(evaluationRules, eq(evaluationRules.id, evaluationRuleAssignments.evaluationRuleId))
      .where(and(eq(evaluationRuleAssignments.evaluatorId, evaluatorId), inArray(evaluationRules.targetObject, RULE_TARGETS)));
  }

  async insertEvaluator(row: typeof evaluators.$inferInsert): Promise<EvaluatorRow> {
    const [inserted] = await this.db.insert(evaluators).values(row).returning();
    return inserted!;
  }

  async updateEvaluator(id: string, values: Partial<typeof evaluators.$inferInsert>): Promise<EvaluatorRow> {
    const [updated] = await this.db.update(evaluators).set(values).where(eq(evaluators.id, id)).returning();
    return updated!;
  }

  async insertVersion(row: typeof evaluatorVersions.$inferInsert): Promise<EvaluatorVersionRow> {
    const [inserted] = await this.db.insert(evaluatorVersions).values(row).returning();
    return inserted!;
  }

  /**
   * Deletes the evaluator (its versions and assignments cascade) and disables the rules it leaves
   * without any evaluator; false when the project has no such evaluator.
   */
  async delete(projectId: string, id: string): Promise<boolean> {
    const ruleIds = (
      await this.db.select({ id: evaluationRuleAssignments.evaluationRuleId }).from(evaluationRuleAssignments).where(eq(evaluationRuleAssignments.evaluatorId, id))
    ).map((row) => row.id);
    const deleted = await this.db
      .delete(evaluators)
      .where(and(eq(evaluators.projectId, projectId), eq(evaluators.id, id)))
      .returning({ id: evaluators.id });
    if (deleted.length === 0) return false;
    if (ruleIds.length > 0) {
      await this.db
        .update(evaluationRules)
        .set({ status: "INACTIVE", updatedAt: new Date() })
        .where(
          and(
            inArray(evaluationRules.id, ruleIds),
            notExists(this.db.select({ one: sql`1` }).from(evaluationRuleAssignments).where(eq(evaluationRuleAssignments.evaluationRuleId, evaluationRules.id))),
          ),
        );
    }
    return true;
  }

  /** Marks evaluators blocked, keeping the first block's time and reason on those already blocked. */
  async block(ids: string[], reason: string, message: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .update(evaluators)
      .set({ blockedAt: new Date(), blockReason: reason, blockMessage: message })
      .where(and(inArray(evaluators.id, ids), isNull(evaluators.blockedAt)));
  }
}
