import { createHmac, timingSafeEqual } from "node:crypto";

/** What a signed URL of the local store commits to; a request is served only if it matches all of it. */
export interface SignedRequest {
  method: "GET" | "PUT";
  key: string;
  /** For a PUT, the type the upload must declare; for a GET, the type the download is served with. */
  contentType: string;
  /** Length and checksum of an upload; empty for a download. */
  contentLength: number | "";
  sha256: string;
  /** Unix seconds after which the URL is refused. */
  expires: number;
}

/**
 * HMAC-SHA256 signatures of the local store's URLs. The key never leaves the server, so a URL can
 * be neither forged nor stretched to other bytes, another object or a later time. The key is
 * loaded on first use, so Wick starts (and answers 503s) while the store that keeps it is down.
 */
export class UrlSigner {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly loadKey: () => Promise<Buffer>) {}

  private async currentKey(): Promise<Buffer> {
    this.key ??= this.loadKey().catch((error: unknown) => {
      // Asked again next time: the failure may be a passing outage.
      this.key = undefined;
      throw error;
    });
    return this.key;
  }

  async sign(request: SignedRequest): Promise<string> {
    // One field per line: none of them holds a newline (keys and types are checked before signing).
    const canonical = [request.method, request.key, request.contentType, String(request.contentLength), request.sha256, String(request.expires)].join("\n");
    return createHmac("sha256", await this.currentKey())
      .update(canonical)
      .digest("base64url");
  }

  async verify(request: SignedRequest, signature: string): Promise<boolean> {
    const expected = Buffer.from(await this.sign(request));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
