export { MediaService, type MediaSettings, type UploadTicket } from "./service.ts";
export { TraceMediaCleanup } from "./trace-media-cleanup.ts";
export { InvalidMediaRequestError, MediaNotFoundError } from "./errors.ts";
export { mediaIdOf } from "./media-id.ts";
export { replaceEmbeddedMedia, type EmbeddedMedia, type MediaUploader } from "./extraction/embedded-media.ts";
export { TracedMediaExtraction, type TracedEvent } from "./extraction/traced-media.ts";
export { deleteProjectMediaObjects } from "./project-media-purge.ts";
export { deleteExpiredMedia } from "./media-retention.ts";
