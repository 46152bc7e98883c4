import { randomUUID } from "node:crypto";
import type { InitConfig } from "../config.ts";
import { issueApiKey } from "../domain/api-keys.ts";
import type { Services } from "../services.ts";

export interface ProvisionLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Credentials created on this start, shown once because the secret cannot be read back later. */
export interface NewCredentials {
  organizationId: string;
  projectId: string;
  publicKey: string;
  secretKey: string;
}

/**
 * Langfuse's headless initialization: create what the `LANGFUSE_INIT_*` variables describe when it
 * is missing; never rename or delete, except moving a key that belongs to another project.
 */
async function applyInit(services: Services, init: InitConfig, log: ProvisionLog): Promise<void> {
  const { organizations, projects, apiKeys } = services.repositories;
  const org = await organizations.ensure({ id: init.orgId, name: init.orgName });
  if (org.created) log.info(`Created organization ${init.orgId}`);
  if (!init.projectId) {
    if (init.publicKey || init.secretKey) log.warn("LANGFUSE_INIT_PROJECT_PUBLIC_KEY/SECRET_KEY need LANGFUSE_INIT_PROJECT_ID; no key created");
    return;
  }
  const project = await projects.ensure({
    id: init.projectId,
    orgId: init.orgId,
    name: init.projectName,
    retentionDays: init.projectRetentionDays ?? null,
  });
  if (project.created) log.info(`Created project ${init.projectId}`);

  if (!init.publicKey || !init.secretKey) {
    if (init.publicKey || init.secretKey) log.warn("LANGFUSE_INIT_PROJECT_PUBLIC_KEY and LANGFUSE_INIT_PROJECT_SECRET_KEY must be set together; no key created");
    return;
  }
  const existing = await apiKeys.findByPublicKey(init.publicKey);
  if (existing?.projectId === init.projectId) return;
  if (existing) {
    await apiKeys.deleteById(existing.id);
    await services.keyRevocations.revoked([existing.publicKey]);
    log.info(`Moved API key ${init.publicKey} to project ${init.projectId}`);
  }
  await issueApiKey(
    apiKeys,
    services.salt,
    { scope: "PROJECT", projectId: init.projectId },
    { note: "Provisioned API Key", keyPair: { publicKey: init.publicKey, secretKey: init.secretKey } },
  );
  if (!existing) log.info(`Created API key ${init.publicKey}`);
}

/** An empty instance gets one organization, one project and a fresh key pair, so it is usable at once. */
async function createDefaultProject(services: Services): Promise<NewCredentials | undefined> {
  const { organizations, projects, apiKeys } = services.repositories;
  if ((await organizations.count()) > 0 || (await projects.count()) > 0) return undefined;
  const organizationId = randomUUID();
  const projectId = randomUUID();
  await organizations.create({ id: organizationId, name: "Wick" });
  await projects.ensure({ id: projectId, orgId: organizationId, name: "default" });
  const key = await issueApiKey(apiKeys, services.salt, { scope: "PROJECT", projectId }, { note: "Created on first start" });
  return { organizationId, projectId, publicKey: key.publicKey, secretKey: key.secretKey };
}

export async function provision(services: Services, init: InitConfig | undefined, ignoredInitVariables: string[], log: ProvisionLog): Promise<NewCredentials | undefined> {
  if (ignoredInitVariables.length > 0) {
    log.warn(`Ignoring ${ignoredInitVariables.join(", ")}: ${init ? "Wick has no users or cloud plans" : "LANGFUSE_INIT_ORG_ID is not set"}`);
  }
  if (init) {
    await applyInit(services, init, log);
    return undefined;
  }
  return createDefaultProject(services);
}

export function credentialsBanner(credentials: NewCredentials, baseUrl: string): string {
  const auth = `${credentials.publicKey}:${credentials.secretKey}`;
  return [
    "",
    "Wick created a project and an API key for you. The secret key is shown only this once:",
    "",
    `  public key: ${credentials.publicKey}`,
    `  secret key: ${credentials.secretKey}`,
    "",
    `Open the web UI at ${baseUrl}/ and sign in with this key pair.`,
    "",
    "Try it:",
    `  curl -u ${auth} ${baseUrl}/api/public/projects`,
    "",
    "Point a Langfuse SDK or OpenTelemetry exporter at Wick with:",
    `  LANGFUSE_PUBLIC_KEY=${credentials.publicKey}`,
    `  LANGFUSE_SECRET_KEY=${credentials.secretKey}`,
    `  LANGFUSE_BASE_URL=${baseUrl}`,
    `  LANGFUSE_HOST=${baseUrl}`,
    "",
  ].join("\n");
}
