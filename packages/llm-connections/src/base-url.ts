import { findOutboundUrlProblem, type OutboundAllowlist } from "@wick/outbound-urls";
import { InvalidLlmConnectionError } from "./errors.ts";

/**
 * Refuses a base URL that would make Wick call into its own network on a client's behalf. A gateway
 * on a private network (a LiteLLM beside Wick) is allowed by naming it in Langfuse's LLM
 * connection allowlist variables.
 */
export async function checkBaseUrl(baseUrl: string, allowlist: OutboundAllowlist): Promise<void> {
  const problem = await findOutboundUrlProblem(baseUrl, allowlist);
  if (!problem) return;
  const hint = problem.privateDestination
    ? ". A private or internal baseURL must be allowed by LANGFUSE_LLM_CONNECTION_WHITELISTED_HOST, LANGFUSE_LLM_CONNECTION_WHITELISTED_IPS or LANGFUSE_LLM_CONNECTION_WHITELISTED_IP_SEGMENTS"
    : "";
  throw new InvalidLlmConnectionError(`Invalid baseURL: ${problem.message}${hint}`);
}
