import type { LlmConnection, UpsertLlmConnectionRequest } from "@wick/contracts";
import type { OutboundAllowlist } from "@wick/outbound-urls";
import { type Database, newCuid } from "@wick/postgres";
import type { Secrets } from "@wick/secrets";
import { checkBaseUrl } from "./base-url.ts";
import type { LlmConnectionDeletionListener } from "./deletion.ts";
import { displaySecretKey } from "./display-secret.ts";
import { LlmConnectionNotFoundError } from "./errors.ts";
import { type ConnectionWrite, LlmConnectionRepository } from "./repository.ts";
import { connectionResponse } from "./responses.ts";

export interface LlmConnectionOptions {
  /** Seals secret keys and extra header values before they are stored. */
  secrets: Secrets;
  /** The private or internal base URLs the operator allows. */
  baseUrlAllowlist: OutboundAllowlist;
  /** Told of every delete inside its transaction (the evaluators, once they exist). */
  deletionListeners?: LlmConnectionDeletionListener[];
}

export interface UpsertResult {
  connection: LlmConnection;
  created: boolean;
}

/** The LLM connections API's rules, for a project key. */
export class LlmConnections {
  private readonly connections: LlmConnectionRepository;

  constructor(
    db: Database,
    private readonly options: LlmConnectionOptions,
  ) {
    this.connections = new LlmConnectionRepository(db);
  }

  async list(projectId: string, page: number, limit: number): Promise<{ data: LlmConnection[]; totalItems: number }> {
    const [rows, totalItems] = await Promise.all([this.connections.listInProject(projectId, limit, (page - 1) * limit), this.connections.countInProject(projectId)]);
    return { data: rows.map(connectionResponse), totalItems };
  }

  /**
   * Creates the provider's connection or replaces it, as the reference does: every writable field
   * but `config` is replaced, the omitted ones by their defaults. A base URL is checked only when it
   * changes, so one stored under an earlier allowlist can be saved again; the check resolves host
   * names, so it runs before the transaction rather than while holding its locks.
   */
  async upsert(projectId: string, request: UpsertLlmConnectionRequest): Promise<UpsertResult> {
    const baseUrl = request.baseURL ?? null;
    const stored = await this.connections.findByProvider(projectId, request.provider);
    if (baseUrl !== null && baseUrl !== stored?.baseUrl) await checkBaseUrl(baseUrl, this.options.baseUrlAllowlist);
    const { secrets } = this.options;
    const headers = request.extraHeaders ?? {};
    const headerKeys = Object.keys(headers);
    const now = new Date();
    const write: ConnectionWrite = {
      id: newCuid(),
      projectId,
      provider: request.provider,
      adapter: request.adapter,
      displaySecretKey: displaySecretKey(request.secretKey),
      secretKey: secrets.seal(request.secretKey),
      baseUrl,
      customModels: request.customModels ?? [],
      withDefaultModels: request.withDefaultModels ?? true,
      extraHeaders: headerKeys.length > 0 ? secrets.seal(JSON.stringify(headers)) : null,
      extraHeaderKeys: headerKeys,
      config: request.config,
      updatedAt: now,
    };
    const { row, created } = await this.connections.transaction(async (connections) => {
      if (!(await connections.lockLiveProject(projectId))) throw new LlmConnectionNotFoundError("Project not found");
      return connections.upsert(write, now);
    });
    return { connection: connectionResponse(row), created };
  }

  /** Deletes the connection after its listeners have acted on it, all in one transaction. */
  async delete(projectId: string, id: string): Promise<void> {
    await this.connections.transaction(async (connections) => {
      const row = await connections.findForDelete(projectId, id);
      if (!row) throw new LlmConnectionNotFoundError("LLM connection not found");
      const deleted = { id: row.id, projectId: row.projectId, provider: row.provider, adapter: row.adapter };
      for (const listener of this.options.deletionListeners ?? []) await listener.connectionDeleted(connections.db, deleted);
      await connections.delete(row.id);
    });
  }

  /** Drops a deleted project's connections, so their secrets are not kept. */
  async forgetProject(projectId: string): Promise<void> {
    await this.connections.deleteForProject(projectId);
  }
}
