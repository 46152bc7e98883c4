import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ErrorResponse, GetMediaResponse, GetMediaUploadUrlRequest, GetMediaUploadUrlResponse, MediaIdParams, PatchMediaBody, PatchMediaResponse } from "@wick/contracts";
import type { MediaService } from "@wick/media";
import { projectIdOf, type RouteAuth } from "../../plugins/public-auth.ts";
import { urlContext } from "./media-urls.ts";

const auth: RouteAuth = { allow: ["project"] };
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const tag = { tags: ["Media"] };

/** The media API the SDKs call on their own when traced data holds files (images, audio, PDFs). */
export const mediaRoutes: FastifyPluginAsyncZod<{ services: { media: MediaService } }> = async (app, { services }) => {
  app.post(
    "/media",
    {
      config: { auth },
      schema: {
        ...tag,
        description:
          "Announce a file of a trace, observation or dataset item by its SHA-256 and get a signed upload URL; the URL is null when the project already holds the same bytes with the same type",
        operationId: "media_getUploadUrl",
        body: GetMediaUploadUrlRequest,
        response: { 201: GetMediaUploadUrlResponse, ...errors },
      },
    },
    async (request, reply) => {
      const ticket = await services.media.requestUpload(projectIdOf(request), request.body, urlContext(request));
      return reply.status(201).send(ticket);
    },
  );

  app.patch(
    "/media/:mediaId",
    {
      config: { auth },
      schema: {
        ...tag,
        description: "Report how the upload of a media file went (the storage's HTTP status, and its error if any)",
        operationId: "media_patch",
        params: MediaIdParams,
        body: PatchMediaBody,
        response: { 200: PatchMediaResponse, ...errors },
      },
    },
    async (request) => {
      await services.media.reportUpload(projectIdOf(request), request.params.mediaId, request.body);
      return { message: "OK" as const };
    },
  );

  app.get(
    "/media/:mediaId",
    {
      config: { auth },
      schema: {
        ...tag,
        description: "Get a media file's type, size and a signed download URL",
        operationId: "media_get",
        params: MediaIdParams,
        response: { 200: GetMediaResponse, ...errors },
      },
    },
    async (request) => services.media.download(projectIdOf(request), request.params.mediaId, urlContext(request)),
  );
};
