/**
 * The id of media with this base64 SHA-256: URL-safe base64, first 22 characters. The SDKs compute
 * it themselves and abort an upload when the server answers another id.
 */
export function mediaIdOf(sha256Base64: string): string {
  return sha256Base64.replaceAll("+", "-").replaceAll("/", "_").slice(0, 22);
}
