import { and, eq } from "drizzle-orm";
import type { DeletedLlmConnection, LlmConnectionDeletionListener } from "@wick/llm-connections";
import { type Database, evaluators } from "@wick/postgres";
import { EvaluatorRepository } from "./evaluator-repository.ts";

/**
 * Blocks, inside an LLM connection's delete, the project's LLM evaluators whose latest version
 * uses its provider (resources.md §7.4); their rules then report `paused`. Wick has no project
 * default evaluation model, so no evaluator relies on the connection through one.
 */
export class EvaluatorConnectionGuard implements LlmConnectionDeletionListener {
  async connectionDeleted(tx: Database, connection: DeletedLlmConnection): Promise<void> {
    const repository = new EvaluatorRepository(tx);
    const llmEvaluators = await tx
      .select({ id: evaluators.id })
      .from(evaluators)
      .where(and(eq(evaluators.projectId, connection.projectId), eq(evaluators.type, "LLM_AS_JUDGE")));
    const versions = await repository.latestVersions(llmEvaluators.map((row) => row.id));
    const affected = [...versions.values()].filter((version) => version.provider === connection.provider).map((version) => version.evaluatorId);
    await repository.block(affected, "LLM_CONNECTION_MISSING", `The LLM connection for provider "${connection.provider}" was deleted`);
  }
}
