import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { type DiskObjectStore, ObjectStoreRefusal } from "@wick/object-store";
import { allowBodyTime } from "../plugins/connection-limits.ts";

type Query = Record<string, string | string[] | undefined>;

/**
 * The slowest upload the local store waits for, in bytes per millisecond (100 kB/s): a file gets the
 * server's request timeout plus its length at this rate, so a large file over a slow link is not
 * cut off, and a stalled one still is.
 */
const SLOWEST_UPLOAD_BYTES_PER_MS = 100;

/** The object key of a request: the path after the route, one segment per key part. */
function keyOf(request: FastifyRequest): string {
  return ((request.params as { "*": string })["*"] ?? "").split("/").map(decodeURIComponent).join("/");
}

/** A refusal as S3 words it (XML), so SDKs report the same errors from either store. */
function sendRefusal(reply: FastifyReply, refusal: ObjectStoreRefusal): FastifyReply {
  const xmlText = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return reply
    .status(refusal.statusCode)
    .type("application/xml")
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${xmlText(refusal.message)}</Message></Error>`);
}

async function answering(reply: FastifyReply, work: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ObjectStoreRefusal) return sendRefusal(reply, error);
    // A percent sign that starts no escape in the key.
    if (error instanceof URIError) return sendRefusal(reply, new ObjectStoreRefusal(400, "InvalidURI", "Couldn't parse the specified URI."));
    throw error;
  }
}

/**
 * The local store's signed URLs: `PUT` streams the body into the store (never held in memory),
 * `GET` streams a file out. The signature is the authorization, as with S3 presigned URLs.
 */
export const mediaFileRoutes: FastifyPluginAsync<{ store: DiskObjectStore }> = async (app, { store }) => {
  // Leave every body unread: the upload handler streams it to disk itself, of whatever type it is.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));

  app.put("/*", { schema: { hide: true } }, async (request, reply) =>
    answering(reply, async () => {
      const length = Number(request.headers["content-length"]);
      if (Number.isSafeInteger(length) && length > 0) allowBodyTime(request.raw, length / SLOWEST_UPLOAD_BYTES_PER_MS);
      await store.receiveSignedUpload(keyOf(request), request.query as Query, request.headers, request.raw);
      return reply.status(200).send();
    }),
  );

  app.get("/*", { schema: { hide: true } }, async (request, reply) =>
    answering(reply, async () => {
      const file = await store.openSignedDownload(keyOf(request), request.query as Query);
      return reply.type(file.contentType).header("content-length", file.contentLength).send(file.body);
    }),
  );
};
