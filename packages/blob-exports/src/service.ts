import type { BlobStorageIntegration, BlobStorageIntegrationStatus, CreateBlobStorageIntegrationRequest } from "@wick/contracts";
import type { OutboundAllowlist } from "@wick/outbound-urls";
import type { Database } from "@wick/postgres";
import type { Secrets } from "@wick/secrets";
import { checkEndpoint } from "./endpoint.ts";
import { BlobStorageNotFoundError, InvalidBlobStorageRequestError } from "./errors.ts";
import { settingsFor } from "./integration-settings.ts";
import { BlobStorageIntegrationRepository } from "./repository.ts";
import { integrationResponse, statusResponse } from "./responses.ts";

export interface BlobStorageOptions {
  /** Seals secret access keys before they are stored. */
  secrets: Secrets;
  /** The private or internal endpoints the operator allows. */
  endpointAllowlist: OutboundAllowlist;
}

const INTEGRATION_NOT_FOUND = "Blob storage integration not found";

/**
 * The blob storage integrations API's rules, for an organization key: every call names the
 * organization, and a project of another organization is answered as a missing one. Self-hosted
 * plans all carry the reference's `scheduled-blob-exports` entitlement, so there is none to check.
 */
export class BlobStorageIntegrations {
  private readonly integrations: BlobStorageIntegrationRepository;

  constructor(
    db: Database,
    private readonly options: BlobStorageOptions,
  ) {
    this.integrations = new BlobStorageIntegrationRepository(db);
  }

  async list(orgId: string): Promise<BlobStorageIntegration[]> {
    return (await this.integrations.listInOrganization(orgId)).map(integrationResponse);
  }

  /** Creates or replaces the project's integration; the checks that need no lock come first. */
  async upsert(orgId: string, request: CreateBlobStorageIntegrationRequest): Promise<BlobStorageIntegration> {
    if (request.fileType === "PARQUET") throw new InvalidBlobStorageRequestError("Parquet export is not supported by Wick; choose JSON, CSV or JSONL");
    if (request.endpoint) await checkEndpoint(request.endpoint, this.options.endpointAllowlist);
    const sealedSecret = request.secretAccessKey ? this.options.secrets.seal(request.secretAccessKey) : undefined;
    const row = await this.integrations.transaction(async (integrations) => {
      if (!(await integrations.lockLiveProject(orgId, request.projectId))) throw new BlobStorageNotFoundError("Project not found");
      const existing = await integrations.findForUpdate(request.projectId);
      return integrations.save(settingsFor(request, existing, sealedSecret, new Date()));
    });
    return integrationResponse(row);
  }

  async status(orgId: string, projectId: string): Promise<BlobStorageIntegrationStatus> {
    const row = await this.integrations.findInOrganization(orgId, projectId);
    if (!row) throw new BlobStorageNotFoundError(INTEGRATION_NOT_FOUND);
    return statusResponse(row, new Date());
  }

  async delete(orgId: string, projectId: string): Promise<void> {
    if (!(await this.integrations.deleteInOrganization(orgId, projectId))) throw new BlobStorageNotFoundError(INTEGRATION_NOT_FOUND);
  }

  /** Drops a deleted project's integration, so its export stops and its secret is not kept. */
  async forgetProject(projectId: string): Promise<void> {
    await this.integrations.deleteForProject(projectId);
  }
}
