import type { Database, LlmApiKeyRow } from "@wick/postgres";

/** The connection being deleted, without its sealed secrets: listeners have no use for them. */
export type DeletedLlmConnection = Pick<LlmApiKeyRow, "id" | "projectId" | "provider" | "adapter">;

/**
 * Told of a connection's delete inside its transaction, before the row goes, so what depends on it
 * changes with it or not at all. The evaluators implement this: they block the evaluators that
 * use the connection's provider ("LLM connection missing") and, when it served the project's
 * default evaluation model, those relying on that default ("default eval model missing").
 */
export interface LlmConnectionDeletionListener {
  connectionDeleted(tx: Database, connection: DeletedLlmConnection): Promise<void>;
}
