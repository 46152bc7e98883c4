import { InvalidRequestError } from "@wick/errors";
import { ENCRYPTION_KEY_HINT, type EncryptionKey } from "./encryption-key.ts";
import { SecretBox } from "./secret-box.ts";

/** What stores secrets: seals them before they are written and opens them when they are used. */
export interface Secrets {
  /** False when no key is configured: nothing can be sealed or opened. */
  readonly available: boolean;
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/**
 * Without a key Wick refuses to store a secret rather than keep it in clear or under a key of its
 * own making: a key kept in the same database as the secrets would protect nothing.
 */
export class EncryptionKeyMissingError extends InvalidRequestError {
  constructor() {
    super(`ENCRYPTION_KEY is not set, so Wick can neither store nor read secrets. Set ENCRYPTION_KEY to ${ENCRYPTION_KEY_HINT}, and restart Wick.`);
  }
}

const WITHOUT_KEY: Secrets = {
  available: false,
  seal: () => {
    throw new EncryptionKeyMissingError();
  },
  open: () => {
    throw new EncryptionKeyMissingError();
  },
};

/** The secrets of an instance: sealed with its `ENCRYPTION_KEY`, or refused when it has none. */
export function secretsWith(key: EncryptionKey | undefined): Secrets {
  if (!key) return WITHOUT_KEY;
  const box = new SecretBox(key);
  return { available: true, seal: (plaintext) => box.seal(plaintext), open: (sealed) => box.open(sealed) };
}
