import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";

/**
 * Stores `bytes` as media the way the SDKs do, through the app: announce them for a trace (or an
 * observation), upload them to the signed URL when Wick has not seen them before, report the
 * upload. Returns the media id.
 */
export async function uploadMedia(app: FastifyInstance, authorization: string, bytes: Buffer, link: { traceId: string; observationId?: string }): Promise<string> {
  const sha256Hash = createHash("sha256").update(bytes).digest("base64");
  const announced = await app.inject({
    method: "POST",
    url: "/api/public/media",
    headers: { authorization },
    payload: { ...link, field: "input", contentType: "image/png", contentLength: bytes.length, sha256Hash },
  });
  expect(announced.statusCode, announced.body).toBe(201);
  const { mediaId, uploadUrl } = announced.json() as { mediaId: string; uploadUrl: string | null };
  if (uploadUrl === null) return mediaId;
  const { pathname, search } = new URL(uploadUrl);
  const put = await app.inject({
    method: "PUT",
    url: pathname + search,
    payload: bytes,
    headers: { "content-type": "image/png", "content-length": String(bytes.length), "x-amz-checksum-sha256": sha256Hash },
  });
  expect(put.statusCode, put.body).toBe(200);
  const report = { uploadedAt: new Date().toISOString(), uploadHttpStatus: 200, uploadHttpError: null, uploadTimeMs: 3 };
  const patched = await app.inject({ method: "PATCH", url: `/api/public/media/${mediaId}`, headers: { authorization }, payload: report });
  expect(patched.statusCode, patched.body).toBe(200);
  return mediaId;
}
