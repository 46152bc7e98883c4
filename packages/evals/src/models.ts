import { and, eq } from "drizzle-orm";
import type { ModelConfig } from "@wick/contracts";
import { type Database, llmApiKeys } from "@wick/postgres";

export type BlockReason = "LLM_CONNECTION_MISSING" | "DEFAULT_EVAL_MODEL_MISSING" | "EVAL_MODEL_UNAVAILABLE";

export interface Block {
  reason: BlockReason;
  message: string;
}

/**
 * Why an LLM evaluator's model cannot be resolved, or undefined when it can: an explicit model
 * needs the project's connection for its provider, offering that model. Wick has no project
 * default evaluation model, so an evaluator without `modelConfig` never resolves.
 */
export async function modelBlock(db: Database, projectId: string, modelConfig: ModelConfig | null): Promise<Block | undefined> {
  if (modelConfig === null) return { reason: "DEFAULT_EVAL_MODEL_MISSING", message: "No default evaluation model is configured for this project" };
  const [connection] = await db
    .select({ customModels: llmApiKeys.customModels, withDefaultModels: llmApiKeys.withDefaultModels })
    .from(llmApiKeys)
    .where(and(eq(llmApiKeys.projectId, projectId), eq(llmApiKeys.provider, modelConfig.provider)));
  if (!connection) return { reason: "LLM_CONNECTION_MISSING", message: `No LLM connection is configured for provider "${modelConfig.provider}"` };
  if (!connection.withDefaultModels && !connection.customModels.includes(modelConfig.model)) {
    return { reason: "EVAL_MODEL_UNAVAILABLE", message: `Model "${modelConfig.model}" is not offered by the "${modelConfig.provider}" LLM connection` };
  }
  return undefined;
}
