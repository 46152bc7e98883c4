import type { FastifyRequest } from "fastify";
import type { SignMedia } from "@wick/datasets";
import type { MediaService } from "@wick/media";
import type { UrlContext } from "@wick/object-store";

/** The local store's URLs point back at Wick as the client reached it. */
export function urlContext(request: FastifyRequest): UrlContext {
  return { origin: `${request.protocol}://${request.host}` };
}

/** Signs download URLs of the media a response shows, for the client that asked. */
export function mediaSigner(media: MediaService, request: FastifyRequest): SignMedia {
  return (rows) => media.signedDownloads(rows, urlContext(request));
}
