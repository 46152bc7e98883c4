import { type CreateEvaluatorRequest, type Evaluator, pageMeta, type SourceCodeLanguage } from "@wick/contracts";
import { type Database, type EvaluatorRow, newCuid } from "@wick/postgres";
import { checkCodeLanguage } from "./code-evals.ts";
import { EvalConflictError, EvalNotFoundError, InvalidEvalRequestError } from "./errors.ts";
import { EvaluatorRepository } from "./evaluator-repository.ts";
import { toEvaluator } from "./evaluator-responses.ts";
import { checkMapping, missingVariables } from "./mapping.ts";
import { modelBlock } from "./models.ts";
import { promptVariables, sourcesFor } from "./variables.ts";

export interface EvaluatorOptions {
  /** The languages code evaluators may be written in here; none means code evals are off. */
  codeEvalLanguages: readonly SourceCodeLanguage[];
}

const TYPE_OF = { llm_as_judge: "LLM_AS_JUDGE", code: "CODE" } as const;

const notFound = () => new EvalNotFoundError("Evaluator not found");

/** The unstable evaluators API (resources.md §9.4): versioned LLM-as-judge and code evaluators. */
export class Evaluators {
  private readonly repository: EvaluatorRepository;

  constructor(
    db: Database,
    private readonly options: EvaluatorOptions,
  ) {
    this.repository = new EvaluatorRepository(db);
  }

  async list(projectId: string, page: number, limit: number) {
    const { rows, total } = await this.repository.page(projectId, page, limit);
    return { data: await this.present(this.repository, rows), meta: pageMeta(page, limit, total) };
  }

  async get(projectId: string, evaluatorId: string): Promise<Evaluator> {
    const row = await this.repository.find(projectId, evaluatorId);
    if (!row) throw notFound();
    const [evaluator] = await this.present(this.repository, [row]);
    return evaluator!;
  }

  /**
   * Upserts by name: a new name starts at version 1, a taken one of the same type gets the next
   * version (always, changed or not), a taken one of another type is a `name_conflict`. An LLM
   * evaluator whose model cannot be resolved is still saved, but blocked.
   */
  async create(projectId: string, body: CreateEvaluatorRequest): Promise<Evaluator> {
    const variables = body.type === "llm_as_judge" ? promptVariables(body.prompt) : [];
    if (body.type === "code") checkCodeLanguage(this.options.codeEvalLanguages, body.sourceCodeLanguage);
    else if (body.mapping) checkMapping(body.mapping, { variables, sources: sourcesFor("observation"), field: "mapping" });
    const type = TYPE_OF[body.type];
    return this.repository.transaction(async (repository) => {
      await repository.lockProject(projectId);
      const existing = await repository.findByName(projectId, body.name);
      if (existing.length > 1) throw new EvalConflictError(`Several evaluators are named "${body.name}"`, { code: "name_conflict", details: { field: "name" } });
      const [current] = existing;
      if (current && current.type !== type) {
        throw new EvalConflictError(`An evaluator named "${body.name}" of another type already exists`, { code: "name_conflict", details: { field: "name" } });
      }
      const modelConfig = body.type === "llm_as_judge" ? (body.modelConfig ?? null) : null;
      const block = body.type === "llm_as_judge" ? await modelBlock(repository.db, projectId, modelConfig) : undefined;
      const now = new Date();
      const blockValues = block ? { blockedAt: now, blockReason: block.reason, blockMessage: block.message } : { blockedAt: null, blockReason: null, blockMessage: null };
      let evaluator: EvaluatorRow;
      let version = 1;
      if (current) {
        const defaultMapping = body.type === "llm_as_judge" ? (body.mapping ?? null) : null;
        if (body.type === "llm_as_judge") await this.checkAssignmentsStayMapped(repository, current.id, variables, defaultMapping);
        version = ((await repository.latestVersions([current.id])).get(current.id)?.version ?? 0) + 1;
        evaluator = await repository.updateEvaluator(current.id, { updatedAt: now, ...blockValues });
      } else {
        evaluator = await repository.insertEvaluator({ id: newCuid(), projectId, name: body.name, type, createdAt: now, updatedAt: now, ...blockValues });
      }
      const versionRow = await repository.insertVersion({
        evaluatorId: evaluator.id,
        version,
        createdAt: now,
        ...(body.type === "llm_as_judge"
          ? {
              prompt: body.prompt,
              provider: modelConfig?.provider ?? null,
              model: modelConfig?.model ?? null,
              vars: variables,
              variableMapping: body.mapping ?? null,
              outputDefinition: body.outputDefinition,
            }
          : { sourceCode: body.sourceCode, sourceCodeLanguage: body.sourceCodeLanguage }),
      });
      const counts = await repository.ruleCounts([evaluator.id]);
      return toEvaluator(evaluator, versionRow, counts.get(evaluator.id) ?? 0);
    });
  }

  async delete(projectId: string, evaluatorId: string): Promise<{ message: string }> {
    const deleted = await this.repository.transaction(async (repository) => {
      await repository.lockProject(projectId);
      return repository.delete(projectId, evaluatorId);
    });
    if (!deleted) throw notFound();
    return { message: "Evaluator successfully deleted" };
  }

  /** Every rule running this evaluator must still map each variable of the new prompt, by its own mapping or the new default. */
  private async checkAssignmentsStayMapped(repository: EvaluatorRepository, evaluatorId: string, variables: string[], defaultMapping: unknown[] | null) {
    for (const assignment of await repository.assignments(evaluatorId)) {
      const mapping = (assignment.mapping ?? defaultMapping) as { variable: string; source: unknown }[] | null;
      const missing = missingVariables(mapping, variables);
      if (missing.length > 0) {
        throw new InvalidEvalRequestError(`Missing mappings for evaluator variables: ${missing.join(", ")}`, {
          details: { field: "prompt", variables: missing },
        });
      }
    }
  }

  private async present(repository: EvaluatorRepository, rows: EvaluatorRow[]): Promise<Evaluator[]> {
    const ids = rows.map((row) => row.id);
    const [versions, counts] = await Promise.all([repository.latestVersions(ids), repository.ruleCounts(ids)]);
    return rows.flatMap((row) => {
      const version = versions.get(row.id);
      return version ? [toEvaluator(row, version, counts.get(row.id) ?? 0)] : [];
    });
  }
}
