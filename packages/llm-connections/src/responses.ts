import type { LlmConnection } from "@wick/contracts";
import type { LlmApiKeyRow } from "@wick/postgres";

/** A connection as the API shows it: the masked key and the header names, never the secrets. */
export function connectionResponse(row: LlmApiKeyRow): LlmConnection {
  return {
    id: row.id,
    provider: row.provider,
    adapter: row.adapter,
    displaySecretKey: row.displaySecretKey,
    baseURL: row.baseUrl,
    customModels: row.customModels,
    withDefaultModels: row.withDefaultModels,
    extraHeaderKeys: row.extraHeaderKeys,
    config: row.config,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
