export { generateKeyPair, fastHashSecret, displaySecretKey, type KeyPair } from "./keys.ts";
export { AuthError, authMessages } from "./errors.ts";
export { ApiKeyVerifier, type AuthScope, type KeyLookup, type StoredKey, type ApiKeyVerifierOptions } from "./verifier.ts";
export { parseAuthorizationHeader, type ParsedAuthorization } from "./authorization-header.ts";
