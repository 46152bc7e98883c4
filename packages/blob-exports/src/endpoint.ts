import { findOutboundUrlProblem, type OutboundAllowlist } from "@wick/outbound-urls";
import { InvalidBlobStorageRequestError } from "./errors.ts";

/**
 * Refuses an endpoint the export would reach on a client's behalf inside the deployment's own
 * network. Self-hosted storage on a private network (MinIO beside Wick) is allowed by naming it in
 * Langfuse's allowlist variables.
 */
export async function checkEndpoint(endpoint: string, allowlist: OutboundAllowlist): Promise<void> {
  const problem = await findOutboundUrlProblem(endpoint, allowlist);
  if (!problem) return;
  const hint = problem.privateDestination
    ? ". A private or internal endpoint must be allowed by LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_HOST, LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IPS or LANGFUSE_BLOB_STORAGE_ENDPOINT_WHITELISTED_IP_SEGMENTS"
    : "";
  throw new InvalidBlobStorageRequestError(`Invalid blob storage endpoint: ${problem.message}${hint}`);
}
