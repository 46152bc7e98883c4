import { eq } from "drizzle-orm";
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
}
