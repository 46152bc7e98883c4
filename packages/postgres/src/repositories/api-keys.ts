import { and, asc, eq, or, type SQL } from "drizzle-orm";
import type { Database } from "../connect.ts";
import { apiKeys, projects } from "../schema.ts";

/** What authentication needs to know about a key: who it is and what it may reach. */
export interface ApiKeyRecord {
  id: string;
  publicKey: string;
  fastHashedSecretKey: string;
  scope: "ORGANIZATION" | "PROJECT";
  projectId: string | null;
  /** The project's organization for project keys, the key's own for organization keys. */
  orgId: string | null;
}

export interface NewApiKey {
  id: string;
  publicKey: string;
  fastHashedSecretKey: string;
  displaySecretKey: string;
  note?: string | null;
  projectId?: string | null;
  organizationId?: string | null;
  scope: "ORGANIZATION" | "PROJECT";
}

/** What key listings show: never the secret or its hash. */
const summaryColumns = {
  id: apiKeys.id,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
  note: apiKeys.note,
  publicKey: apiKeys.publicKey,
  displaySecretKey: apiKeys.displaySecretKey,
};

const projectKey = (projectId: string) => and(eq(apiKeys.scope, "PROJECT"), eq(apiKeys.projectId, projectId));
const organizationKey = (organizationId: string) => and(eq(apiKeys.scope, "ORGANIZATION"), eq(apiKeys.organizationId, organizationId));

export class ApiKeyRepository {
  constructor(private readonly db: Database) {}

  private selectRecords() {
    return this.db
      .select({
        id: apiKeys.id,
        publicKey: apiKeys.publicKey,
        fastHashedSecretKey: apiKeys.fastHashedSecretKey,
        scope: apiKeys.scope,
        projectId: apiKeys.projectId,
        keyOrgId: apiKeys.organizationId,
        projectOrgId: projects.orgId,
      })
      .from(apiKeys)
      .leftJoin(projects, eq(projects.id, apiKeys.projectId));
  }

  private static toRecord(row: {
    id: string;
    publicKey: string;
    fastHashedSecretKey: string;
    scope: "ORGANIZATION" | "PROJECT";
    projectId: string | null;
    keyOrgId: string | null;
    projectOrgId: string | null;
  }): ApiKeyRecord {
    const { keyOrgId, projectOrgId, ...rest } = row;
    return { ...rest, orgId: row.scope === "PROJECT" ? projectOrgId : keyOrgId };
  }

  async findByPublicKey(publicKey: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await this.selectRecords().where(eq(apiKeys.publicKey, publicKey));
    return row && ApiKeyRepository.toRecord(row);
  }

  async findByFastHash(fastHash: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await this.selectRecords().where(eq(apiKeys.fastHashedSecretKey, fastHash));
    return row && ApiKeyRepository.toRecord(row);
  }

  async create(key: NewApiKey): Promise<void> {
    await this.db.insert(apiKeys).values(key);
  }

  async deleteById(id: string): Promise<void> {
    await this.db.delete(apiKeys).where(eq(apiKeys.id, id));
  }

  private listSummaries(where: SQL | undefined) {
    return this.db.select(summaryColumns).from(apiKeys).where(where).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
  }

  /** The project-scoped keys of a project, oldest first. */
  async listProjectKeys(projectId: string) {
    return this.listSummaries(projectKey(projectId));
  }

  /** The organization-scoped keys of an organization, oldest first. */
  async listOrganizationKeys(organizationId: string) {
    return this.listSummaries(organizationKey(organizationId));
  }

  async findSummary(id: string) {
    const [row] = await this.db.select(summaryColumns).from(apiKeys).where(eq(apiKeys.id, id));
    return row;
  }

  /** True when a key already has this public key or this secret (by its hash). */
  async isTaken(publicKey: string, fastHashedSecretKey: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(or(eq(apiKeys.publicKey, publicKey), eq(apiKeys.fastHashedSecretKey, fastHashedSecretKey)))
      .limit(1);
    return row !== undefined;
  }

  /** Deletes one project key of the project; returns its public key, or undefined when there is no such key. */
  async deleteProjectKey(projectId: string, id: string): Promise<string | undefined> {
    const [row] = await this.db
      .delete(apiKeys)
      .where(and(eq(apiKeys.id, id), projectKey(projectId)))
      .returning({ publicKey: apiKeys.publicKey });
    return row?.publicKey;
  }

  /** Deletes one organization key of the organization; returns its public key, or undefined when there is no such key. */
  async deleteOrganizationKey(organizationId: string, id: string): Promise<string | undefined> {
    const [row] = await this.db
      .delete(apiKeys)
      .where(and(eq(apiKeys.id, id), organizationKey(organizationId)))
      .returning({ publicKey: apiKeys.publicKey });
    return row?.publicKey;
  }

  /** Deletes every project key of the project; returns their public keys. */
  async deleteProjectKeys(projectId: string): Promise<string[]> {
    const rows = await this.db.delete(apiKeys).where(projectKey(projectId)).returning({ publicKey: apiKeys.publicKey });
    return rows.map((row) => row.publicKey);
  }
}
