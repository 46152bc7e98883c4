import { createHash, randomUUID } from "node:crypto";

export interface KeyPair {
  publicKey: string;
  secretKey: string;
}

export function generateKeyPair(): KeyPair {
  return { publicKey: `pk-lf-${randomUUID()}`, secretKey: `sk-lf-${randomUUID()}` };
}

/** Langfuse's fast hash: SHA-256 over the secret followed by the hex SHA-256 digest of the salt. */
export function fastHashSecret(secretKey: string, salt: string): string {
  const saltDigest = createHash("sha256").update(salt, "utf8").digest("hex");
  return createHash("sha256").update(secretKey, "utf8").update(saltDigest, "utf8").digest("hex");
}

/** What listings show instead of the secret, e.g. `sk-lf-...3f9a`. */
export function displaySecretKey(secretKey: string): string {
  return `${secretKey.slice(0, 6)}...${secretKey.slice(-4)}`;
}
