export { LlmConnections, type LlmConnectionOptions, type UpsertResult } from "./service.ts";
export type { DeletedLlmConnection, LlmConnectionDeletionListener } from "./deletion.ts";
export { InvalidLlmConnectionError, LlmConnectionNotFoundError } from "./errors.ts";
export { displaySecretKey } from "./display-secret.ts";
