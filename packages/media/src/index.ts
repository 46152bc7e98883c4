export { MediaService, type MediaSettings, type UploadTicket } from "./service.ts";
export { TraceMediaCleanup } from "./trace-media-cleanup.ts";
export { InvalidMediaRequestError, MediaNotFoundError } from "./errors.ts";
export { mediaIdOf } from "./media-id.ts";
