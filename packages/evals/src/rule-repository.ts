import { and, asc, count, desc, eq, inArray, ne } from "drizzle-orm";
import { type Database, datasets, evaluationRuleAssignments, type EvaluationRuleRow, evaluationRules, type EvaluatorRow, evaluators } from "@wick/postgres";
import { RULE_TARGETS } from "./evaluator-repository.ts";

/** A rule's assignment with the evaluator it names. */
export interface StoredAssignment {
  evaluator: EvaluatorRow;
  mapping: unknown[] | null;
}

export interface NewAssignment {
  evaluatorId: string;
  mapping: unknown[] | null;
}

const inScope = (projectId: string) => and(eq(evaluationRules.projectId, projectId), inArray(evaluationRules.targetObject, RULE_TARGETS));

/** Evaluation rules and their evaluator assignments in Postgres, always reached through their project. */
export class RuleRepository {
  constructor(readonly db: Database) {}

  async page(projectId: string, page: number, limit: number): Promise<{ rows: EvaluationRuleRow[]; total: number }> {
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(evaluationRules)
        .where(inScope(projectId))
        .orderBy(desc(evaluationRules.createdAt), desc(evaluationRules.id))
        .limit(limit)
        .offset((page - 1) * limit),
      this.db.select({ total: count() }).from(evaluationRules).where(inScope(projectId)),
    ]);
    return { rows, total: total?.total ?? 0 };
  }

  async find(projectId: string, id: string): Promise<EvaluationRuleRow | undefined> {
    const [row] = await this.db
      .select()
      .from(evaluationRules)
      .where(and(inScope(projectId), eq(evaluationRules.id, id)));
    return row;
  }

  /** Each rule's assignments in assignment order (oldest first, ids breaking ties). */
  async assignments(ruleIds: string[]): Promise<Map<string, StoredAssignment[]>> {
    const byRule = new Map<string, StoredAssignment[]>(ruleIds.map((id) => [id, []]));
    if (ruleIds.length === 0) return byRule;
    const rows = await this.db
      .select({ ruleId: evaluationRuleAssignments.evaluationRuleId, mapping: evaluationRuleAssignments.variableMapping, evaluator: evaluators })
      .from(evaluationRuleAssignments)
      .innerJoin(evaluators, eq(evaluators.id, evaluationRuleAssignments.evaluatorId))
      .where(inArray(evaluationRuleAssignments.evaluationRuleId, ruleIds))
      .orderBy(asc(evaluationRuleAssignments.createdAt), asc(evaluationRuleAssignments.id));
    for (const row of rows) byRule.get(row.ruleId)?.push({ evaluator: row.evaluator, mapping: row.mapping });
    return byRule;
  }

  async evaluatorsNamed(projectId: string, name: string, type: EvaluatorRow["type"]): Promise<EvaluatorRow[]> {
    return this.db
      .select()
      .from(evaluators)
      .where(and(eq(evaluators.projectId, projectId), eq(evaluators.name, name), eq(evaluators.type, type)));
  }

  /** The id of another observation or experiment rule of the project with this name. */
  async ruleNamed(projectId: string, name: string, exceptId?: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ id: evaluationRules.id })
      .from(evaluationRules)
      .where(and(inScope(projectId), eq(evaluationRules.name, name), exceptId === undefined ? undefined : ne(evaluationRules.id, exceptId)));
    return row?.id;
  }

  async activeCount(projectId: string): Promise<number> {
    const [row] = await this.db
      .select({ total: count() })
      .from(evaluationRules)
      .where(and(inScope(projectId), eq(evaluationRules.status, "ACTIVE")));
    return row?.total ?? 0;
  }

  async existingDatasets(projectId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db
      .select({ id: datasets.id })
      .from(datasets)
      .where(and(eq(datasets.projectId, projectId), inArray(datasets.id, ids)));
    return new Set(rows.map((row) => row.id));
  }

  async insert(row: typeof evaluationRules.$inferInsert): Promise<EvaluationRuleRow> {
    const [inserted] = await this.db.insert(evaluationRules).values(row).returning();
    return inserted!;
  }

  async update(id: string, values: Partial<typeof evaluationRules.$inferInsert>): Promise<EvaluationRuleRow> {
    const [updated] = await this.db.update(evaluationRules).set(values).where(eq(evaluationRules.id, id)).returning();
    return updated!;
  }

  /** Replaces the rule's assignments; their creation times step by a millisecond so their order is kept. */
  async replaceAssignments(ruleId: string, assignments: NewAssignment[], ids: () => string, now: Date): Promise<void> {
    await this.db.delete(evaluationRuleAssignments).where(eq(evaluationRuleAssignments.evaluationRuleId, ruleId));
    if (assignments.length === 0) return;
    await this.db.insert(evaluationRuleAssignments).values(
      assignments.map((assignment, index) => ({
        id: ids(),
        evaluationRuleId: ruleId,
        evaluatorId: assignment.evaluatorId,
        variableMapping: assignment.mapping,
        createdAt: new Date(now.getTime() + index),
      })),
    );
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    const deleted = await this.db
      .delete(evaluationRules)
      .where(and(inScope(projectId), eq(evaluationRules.id, id)))
      .returning({ id: evaluationRules.id });
    return deleted.length > 0;
  }
}
