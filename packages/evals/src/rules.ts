import {
  type CreateEvaluationRuleRequest,
  type EvaluationRule,
  type EvaluationRuleFilter,
  type EvaluationRuleTarget,
  type EvaluatorReference,
  type EvaluatorType,
  type MappingInput,
  pageMeta,
  type UpdateEvaluationRuleRequest,
} from "@wick/contracts";
import { type Database, type EvaluationRuleRow, type EvaluatorRow, type EvaluatorVersionRow, newCuid } from "@wick/postgres";
import { checkCodeLanguage } from "./code-evals.ts";
import { EvalConflictError, EvalNotFoundError, EvaluatorPreflightError, InvalidEvalRequestError } from "./errors.ts";
import { EvaluatorRepository } from "./evaluator-repository.ts";
import { modelConfigOf, readMapping } from "./evaluator-responses.ts";
import type { EvaluatorOptions } from "./evaluators.ts";
import { checkMapping } from "./mapping.ts";
import { modelBlock } from "./models.ts";
import { checkRuleFilters, unknownDatasets } from "./rule-filters.ts";
import { RuleRepository, type StoredAssignment } from "./rule-repository.ts";
import { codeMapping, sourcesFor } from "./variables.ts";

/** The reference's cap on a project's active observation and experiment rules. */
export const MAX_ACTIVE_RULES = 500;

/** An assignment resolved to its evaluator's latest version; `field` is where its mapping sits in the body. */
interface Assignment {
  evaluator: EvaluatorRow;
  version: EvaluatorVersionRow;
  mapping: MappingInput[] | null;
  field: string;
}

interface AssignmentRequest {
  reference: EvaluatorReference;
  mapping: MappingInput[] | null;
  field: string;
}

interface Stores {
  evaluators: EvaluatorRepository;
  rules: RuleRepository;
}

const TARGET_OBJECT = { observation: "event", experiment: "experiment" } as const;
const targetOf = (row: EvaluationRuleRow): EvaluationRuleTarget => (row.targetObject === "experiment" ? "experiment" : "observation");
const typeOf = (evaluator: EvaluatorRow): EvaluatorType => (evaluator.type === "CODE" ? "code" : "llm_as_judge");

const notFound = () => new EvalNotFoundError("Evaluation rule not found within authorized project");

/** The unstable evaluation rules API (resources.md §9.5): which targets are evaluated, how often, by which evaluators. */
export class EvaluationRules {
  constructor(
    private readonly db: Database,
    private readonly options: EvaluatorOptions,
  ) {}

  async list(projectId: string, page: number, limit: number) {
    const stores = this.stores(this.db);
    const { rows, total } = await stores.rules.page(projectId, page, limit);
    return { data: await this.present(stores, rows), meta: pageMeta(page, limit, total) };
  }

  async get(projectId: string, ruleId: string): Promise<EvaluationRule> {
    const stores = this.stores(this.db);
    const row = await stores.rules.find(projectId, ruleId);
    if (!row) throw notFound();
    return (await this.present(stores, [row]))[0]!;
  }

  async create(projectId: string, body: CreateEvaluationRuleRequest): Promise<EvaluationRule> {
    const filter = body.filter ?? [];
    const datasetIds = checkRuleFilters(filter, body.target);
    const requests: AssignmentRequest[] = body.evaluators
      ? body.evaluators.map((assignment, index) => ({ reference: assignment.evaluator, mapping: assignment.mapping ?? null, field: `evaluators[${index}].mapping` }))
      : [{ reference: body.evaluator!, mapping: body.mapping ?? null, field: "mapping" }];
    return this.transaction(async (stores) => {
      await stores.evaluators.lockProject(projectId);
      await this.checkName(stores, projectId, body.name);
      const assignments = await this.resolve(stores, projectId, requests);
      this.checkMappings(assignments, body.target);
      await this.checkDatasets(stores, projectId, datasetIds);
      if (body.enabled) await this.activate(stores, projectId, assignments, false);
      const now = new Date();
      const row = await stores.rules.insert({
        id: newCuid(),
        projectId,
        name: body.name,
        status: body.enabled ? "ACTIVE" : "INACTIVE",
        targetObject: TARGET_OBJECT[body.target],
        filter,
        sampling: body.sampling ?? 1,
        createdAt: now,
        updatedAt: now,
      });
      await stores.rules.replaceAssignments(row.id, assignments.map(stored), newCuid, now);
      return (await this.present(stores, [row]))[0]!;
    });
  }

  /**
   * Applies the given fields over the stored rule and checks the result whole: `evaluators`
   * replaces every assignment, the deprecated `evaluator`/`mapping` edit the first one only.
   */
  async update(projectId: string, ruleId: string, body: UpdateEvaluationRuleRequest): Promise<EvaluationRule> {
    return this.transaction(async (stores) => {
      await stores.evaluators.lockProject(projectId);
      const row = await stores.rules.find(projectId, ruleId);
      if (!row) throw notFound();
      const target = body.target ?? targetOf(row);
      if (body.name !== undefined && body.name !== row.name) await this.checkName(stores, projectId, body.name, row.id);
      const current = await this.current(stores, row.id);
      const assignments = await this.editedAssignments(stores, projectId, current, body);
      this.checkMappings(assignments, target);
      const filter = body.filter ?? (row.filter as EvaluationRuleFilter[]);
      if (body.filter !== undefined || target !== targetOf(row)) await this.checkDatasets(stores, projectId, checkRuleFilters(filter, target));
      const enabled = assignments.length > 0 && (body.enabled ?? row.status === "ACTIVE");
      if (enabled) await this.activate(stores, projectId, assignments, row.status === "ACTIVE");
      const now = new Date();
      const updated = await stores.rules.update(row.id, {
        name: body.name ?? row.name,
        status: enabled ? "ACTIVE" : "INACTIVE",
        targetObject: TARGET_OBJECT[target],
        filter,
        sampling: body.sampling ?? row.sampling,
        updatedAt: now,
      });
      if (assignments !== current) await stores.rules.replaceAssignments(row.id, assignments.map(stored), newCuid, now);
      return (await this.present(stores, [updated]))[0]!;
    });
  }

  async delete(projectId: string, ruleId: string): Promise<{ message: string }> {
    if (!(await this.stores(this.db).rules.delete(projectId, ruleId))) throw notFound();
    return { message: "Evaluation rule successfully deleted" };
  }

  private stores(db: Database): Stores {
    return { evaluators: new EvaluatorRepository(db), rules: new RuleRepository(db) };
  }

  private transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(this.stores(tx)));
  }

  private async checkName(stores: Stores, projectId: string, name: string, exceptId?: string): Promise<void> {
    const existing = await stores.rules.ruleNamed(projectId, name, exceptId);
    if (existing !== undefined) {
      throw new EvalConflictError(`An evaluation rule named "${name}" already exists; update it with PATCH /api/public/unstable/evaluation-rules/${existing} instead`, {
        code: "name_conflict",
        details: { field: "name" },
      });
    }
  }

  /** Each named evaluator family at its latest version; a family named twice is a conflict, a mapping for a code evaluator refused. */
  private async resolve(stores: Stores, projectId: string, requests: AssignmentRequest[], taken: string[] = []): Promise<Assignment[]> {
    const seen = new Set(taken);
    const found: { evaluator: EvaluatorRow; request: AssignmentRequest }[] = [];
    for (const request of requests) {
      const type = request.reference.type === "code" ? "CODE" : "LLM_AS_JUDGE";
      const [evaluator] = await stores.rules.evaluatorsNamed(projectId, request.reference.name, type);
      if (!evaluator) throw new EvalNotFoundError("Latest evaluator version not found within authorized project");
      if (seen.has(evaluator.id)) {
        throw new EvalConflictError(`Evaluator "${evaluator.name}" is assigned to the rule more than once`, { code: "conflict", details: { evaluatorName: evaluator.name } });
      }
      seen.add(evaluator.id);
      if (type === "CODE" && request.mapping !== null) {
        throw new InvalidEvalRequestError("Code evaluators take no mapping; Langfuse maps their inputs itself", { code: "invalid_body", details: { field: request.field } });
      }
      found.push({ evaluator, request });
    }
    const versions = await stores.evaluators.latestVersions(found.map(({ evaluator }) => evaluator.id));
    return found.map(({ evaluator, request }) => ({ evaluator, version: versions.get(evaluator.id)!, mapping: request.mapping, field: request.field }));
  }

  private async current(stores: Stores, ruleId: string): Promise<Assignment[]> {
    const assignments = (await stores.rules.assignments([ruleId])).get(ruleId) ?? [];
    const versions = await stores.evaluators.latestVersions(assignments.map((assignment) => assignment.evaluator.id));
    return assignments.map((assignment, index) => ({
      evaluator: assignment.evaluator,
      version: versions.get(assignment.evaluator.id)!,
      mapping: assignment.mapping as MappingInput[] | null,
      field: `evaluators[${index}].mapping`,
    }));
  }

  /** The assignments a PATCH leaves: the same array when it touches none of them. */
  private async editedAssignments(stores: Stores, projectId: string, current: Assignment[], body: UpdateEvaluationRuleRequest): Promise<Assignment[]> {
    if (body.evaluators) {
      const requests = body.evaluators.map((assignment, index) => ({
        reference: assignment.evaluator,
        mapping: assignment.mapping ?? null,
        field: `evaluators[${index}].mapping`,
      }));
      return this.resolve(stores, projectId, requests);
    }
    if (body.evaluator === undefined && body.mapping === undefined) return current;
    const [first, ...rest] = current;
    if (body.evaluator === undefined) {
      if (!first) throw new InvalidEvalRequestError("The rule has no evaluator to map; send evaluators instead", { code: "invalid_body", details: { field: "mapping" } });
      if (first.evaluator.type === "CODE") {
        throw new InvalidEvalRequestError("Code evaluators take no mapping; Langfuse maps their inputs itself", { code: "invalid_body", details: { field: "mapping" } });
      }
      return [{ ...first, mapping: body.mapping!, field: "mapping" }, ...rest];
    }
    const reference: EvaluatorReference = { name: body.evaluator.name, type: first ? typeOf(first.evaluator) : "llm_as_judge" };
    const mapping = body.mapping ?? (first?.evaluator.type === "LLM_AS_JUDGE" ? first.mapping : null);
    const [replaced] = await this.resolve(
      stores,
      projectId,
      [{ reference, mapping, field: "mapping" }],
      rest.map((assignment) => assignment.evaluator.id),
    );
    return [replaced!, ...rest];
  }

  /** Every LLM assignment's effective mapping (its own, else the evaluator's default) complete and valid for the target. */
  private checkMappings(assignments: Assignment[], target: EvaluationRuleTarget): void {
    for (const assignment of assignments) {
      if (assignment.evaluator.type === "CODE") continue;
      const mapping = assignment.mapping ?? (assignment.version.variableMapping as MappingInput[] | null) ?? [];
      checkMapping(mapping, { variables: assignment.version.vars, sources: sourcesFor(target), field: assignment.field });
    }
  }

  private async checkDatasets(stores: Stores, projectId: string, datasetIds: string[]): Promise<void> {
    const existing = await stores.rules.existingDatasets(projectId, datasetIds);
    const missing = datasetIds.filter((id) => !existing.has(id));
    if (missing.length > 0) throw unknownDatasets(missing);
  }

  /**
   * What switching a rule on requires: room under the active-rule cap (when it is not active yet)
   * and evaluators that can run. An LLM evaluator must resolve its model through the project's
   * connections; Wick makes no test call to the model. One that resolves is unblocked.
   */
  private async activate(stores: Stores, projectId: string, assignments: Assignment[], alreadyActive: boolean): Promise<void> {
    if (!alreadyActive && (await stores.rules.activeCount(projectId)) >= MAX_ACTIVE_RULES) {
      throw new EvalConflictError(`A project can have at most ${MAX_ACTIVE_RULES} active evaluation rules; disable one first`, {
        code: "conflict",
        details: { limit: MAX_ACTIVE_RULES },
      });
    }
    for (const { evaluator, version } of assignments) {
      if (evaluator.type === "CODE") {
        checkCodeLanguage(this.options.codeEvalLanguages, version.sourceCodeLanguage ?? "PYTHON");
        continue;
      }
      const modelConfig = modelConfigOf(version);
      const block = await modelBlock(stores.evaluators.db, projectId, modelConfig);
      if (block) {
        throw new EvaluatorPreflightError(`Evaluator "${evaluator.name}" cannot run: ${block.message}`, { evaluatorName: evaluator.name, ...(modelConfig ?? {}) });
      }
      if (evaluator.blockedAt !== null) await stores.evaluators.updateEvaluator(evaluator.id, { blockedAt: null, blockReason: null, blockMessage: null });
    }
  }

  private async present(stores: Stores, rows: EvaluationRuleRow[]): Promise<EvaluationRule[]> {
    const byRule = await stores.rules.assignments(rows.map((row) => row.id));
    const evaluatorIds = [...new Set([...byRule.values()].flat().map((assignment) => assignment.evaluator.id))];
    const versions = await stores.evaluators.latestVersions(evaluatorIds);
    return rows.map((row) => toRule(row, byRule.get(row.id) ?? [], versions));
  }
}

const stored = (assignment: Assignment) => ({ evaluatorId: assignment.evaluator.id, mapping: assignment.mapping });

function toRule(row: EvaluationRuleRow, assignments: StoredAssignment[], versions: Map<string, EvaluatorVersionRow>): EvaluationRule {
  const target = targetOf(row);
  const evaluators = assignments.map((assignment) => ({
    evaluator: { id: assignment.evaluator.id, name: assignment.evaluator.name, type: typeOf(assignment.evaluator) },
    mapping: readMapping(assignment.mapping),
  }));
  const enabled = row.status === "ACTIVE";
  const blocked = assignments
    .map((assignment) => assignment.evaluator)
    .filter((evaluator) => evaluator.blockedAt !== null)
    .sort((a, b) => b.blockedAt!.getTime() - a.blockedAt!.getTime())[0];
  const paused = enabled && blocked !== undefined;
  return {
    id: row.id,
    name: row.name,
    evaluator: evaluators[0]?.evaluator ?? null,
    evaluators,
    enabled,
    status: paused ? "paused" : enabled ? "active" : "inactive",
    pausedReason: paused ? blocked.blockReason : null,
    pausedMessage: paused ? blocked.blockMessage : null,
    sampling: row.sampling,
    target,
    filter: row.filter as EvaluationRuleFilter[],
    mapping: effectiveMapping(assignments[0], target, versions),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the first assignment runs with: its own mapping, else the evaluator's default; code evaluators' fixed one. */
function effectiveMapping(first: StoredAssignment | undefined, target: EvaluationRuleTarget, versions: Map<string, EvaluatorVersionRow>) {
  if (!first) return [];
  if (first.evaluator.type === "CODE") return codeMapping(target);
  return readMapping(first.mapping ?? versions.get(first.evaluator.id)?.variableMapping ?? null) ?? [];
}
