import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { EncryptionKey } from "./encryption-key.ts";

const CIPHER = "aes-256-gcm";
/** 96 bits: the IV length GCM is specified for; a fresh random one per sealed value. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
/**
 * The first field of every sealed value names how it was sealed, so a later key rotation or cipher
 * can add a version and still open what v1 sealed.
 */
const VERSION = "v1";

/** A sealed value that is not one, or that this key cannot open. */
export class UnreadableSecretError extends Error {
  override name = "UnreadableSecretError";
}

/**
 * Seals secrets for storage with AES-256-GCM: `v1:<iv>:<auth tag>:<ciphertext>`, each part
 * base64url. The tag makes any change to a stored value, or a wrong key, fail to open rather than
 * yield a wrong secret.
 */
export class SecretBox {
  constructor(private readonly key: EncryptionKey) {}

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.key.bytes, iv, { authTagLength: TAG_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(":");
  }

  open(sealed: string): string {
    const [version, iv, tag, ciphertext, ...rest] = sealed.split(":");
    if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
      throw new UnreadableSecretError(`not a sealed secret of version ${VERSION}`);
    }
    const ivBytes = Buffer.from(iv, "base64url");
    const tagBytes = Buffer.from(tag, "base64url");
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new UnreadableSecretError("the sealed secret's IV or authentication tag is cut short");
    const decipher = createDecipheriv(CIPHER, this.key.bytes, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tagBytes);
    try {
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new UnreadableSecretError("the secret was sealed with another ENCRYPTION_KEY, or has been altered since");
    }
  }
}
