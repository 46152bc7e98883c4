import { promisify } from "node:util";
import { gunzip, inflate, inflateRaw } from "node:zlib";
import { decodeProtobufExport } from "./protobuf.ts";

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);

export interface ExportRequest {
  body: Buffer;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Largest decompressed body, so a small gzip bomb cannot exhaust memory. */
  maxDecompressedBytes: number;
}

export type DecodedBody = { ok: true; resourceSpans: unknown; decodedBytes: number } | { ok: false; status: 400 | 413; error: string };

class TooLarge extends Error {}

async function decompress(body: Buffer, encoding: string, maxOutputLength: number): Promise<Buffer> {
  const options = { maxOutputLength };
  const guard = (error: unknown): never => {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw new TooLarge();
    throw error;
  };
  if (encoding.includes("gzip")) return gunzipAsync(body, options).catch(guard);
  // HTTP's "deflate" is zlib-wrapped, but some clients send raw deflate streams.
  return inflateAsync(body, options).catch((error: unknown) => {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") guard(error);
    return inflateRawAsync(body, options).catch(guard);
  });
}

/**
 * Steps 7–9 of the reference pipeline: decompress (gzip as the reference; deflate too, which the
 * reference fails on), check the content type (substring match), and decode protobuf or JSON.
 * Other encodings are passed to the decoder as they are and fail there, as in the reference.
 */
export async function decodeExportBody(request: ExportRequest): Promise<DecodedBody> {
  const encoding = (request.contentEncoding ?? "").toLowerCase();
  let bytes = request.body;
  if (encoding.includes("gzip") || encoding.includes("deflate")) {
    try {
      bytes = await decompress(request.body, encoding, request.maxDecompressedBytes);
    } catch (error) {
      if (error instanceof TooLarge) return { ok: false, status: 413, error: `Decompressed request body exceeds ${request.maxDecompressedBytes} bytes` };
      return { ok: false, status: 400, error: "Failed to decompress request body" };
    }
  }
  const contentType = (request.contentType ?? "").toLowerCase();
  if (contentType.includes("application/x-protobuf")) {
    try {
      return { ok: true, resourceSpans: decodeProtobufExport(bytes).resourceSpans, decodedBytes: bytes.length };
    } catch {
      return { ok: false, status: 400, error: "Failed to parse OTel Protobuf Trace" };
    }
  }
  if (contentType.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(bytes.toString("utf8"));
      const resourceSpans = parsed !== null && typeof parsed === "object" ? (parsed as { resourceSpans?: unknown }).resourceSpans : undefined;
      return { ok: true, resourceSpans, decodedBytes: bytes.length };
    } catch {
      return { ok: false, status: 400, error: "Failed to parse OTel JSON Trace" };
    }
  }
  return { ok: false, status: 400, error: "Invalid content type" };
}
