import { BEDROCK_DEFAULT_CREDENTIALS } from "@wick/contracts";

/** Vertex AI's secret that means "Application Default Credentials" rather than a key. */
const VERTEX_DEFAULT_CREDENTIALS = "__VERTEXAI_DEFAULT_CREDENTIALS__";

/**
 * The masked key the API shows, computed once at write time so the secret is never opened to read
 * it. JSON credentials end in `"}`, which would show nothing useful, so their last four characters
 * before the closing quote are shown instead.
 */
export function displaySecretKey(secretKey: string): string {
  if (secretKey === BEDROCK_DEFAULT_CREDENTIALS) return "Default AWS credentials";
  if (secretKey === VERTEX_DEFAULT_CREDENTIALS) return "Default GCP credentials (ADC)";
  if (secretKey.endsWith('"}')) return `...${secretKey.slice(-6, -2)}`;
  return `...${secretKey.slice(-4)}`;
}
