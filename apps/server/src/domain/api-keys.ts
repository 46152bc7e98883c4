import { randomUUID } from "node:crypto";
import { displaySecretKey, fastHashSecret, generateKeyPair, type KeyPair } from "@wick/auth";
import type { ApiKeyRepository } from "@wick/postgres";

export interface IssuedApiKey extends KeyPair {
  id: string;
  displaySecretKey: string;
  note: string | null;
}

export type ApiKeyOwner = { scope: "PROJECT"; projectId: string } | { scope: "ORGANIZATION"; organizationId: string };

/** Stores a new key pair (generated, or the one given) and returns it with its secret, the only time it is readable. */
export async function issueApiKey(
  repository: ApiKeyRepository,
  salt: string,
  owner: ApiKeyOwner,
  options: { note?: string | null; keyPair?: KeyPair } = {},
): Promise<IssuedApiKey> {
  const keyPair = options.keyPair ?? generateKeyPair();
  const issued: IssuedApiKey = {
    id: randomUUID(),
    ...keyPair,
    displaySecretKey: displaySecretKey(keyPair.secretKey),
    note: options.note ?? null,
  };
  await repository.create({
    id: issued.id,
    publicKey: issued.publicKey,
    fastHashedSecretKey: fastHashSecret(issued.secretKey, salt),
    displaySecretKey: issued.displaySecretKey,
    note: issued.note,
    ...owner,
  });
  return issued;
}
