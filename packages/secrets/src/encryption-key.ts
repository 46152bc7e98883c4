/** How to make a valid key, for every message that refuses or asks for one. */
export const ENCRYPTION_KEY_HINT = "64 hex characters (32 bytes); make one with `openssl rand -hex 32`";

export class MalformedEncryptionKeyError extends Error {
  override name = "MalformedEncryptionKeyError";
}

/**
 * The AES-256 key every stored secret is sealed with, read from hex as Langfuse's `ENCRYPTION_KEY`
 * is, so the same variable means the same thing in both.
 */
export class EncryptionKey {
  private constructor(readonly bytes: Buffer) {}

  static fromHex(text: string): EncryptionKey {
    if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new MalformedEncryptionKeyError(`must be ${ENCRYPTION_KEY_HINT}`);
    return new EncryptionKey(Buffer.from(text, "hex"));
  }
}
