export { EncryptionKey, ENCRYPTION_KEY_HINT, MalformedEncryptionKeyError } from "./encryption-key.ts";
export { SecretBox, UnreadableSecretError } from "./secret-box.ts";
export { EncryptionKeyMissingError, secretsWith, type Secrets } from "./secrets.ts";
