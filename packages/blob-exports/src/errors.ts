import { InvalidRequestError, NotFoundError } from "@wick/errors";

/** A blob storage integration the request describes that Wick cannot store or cannot export (400). */
export class InvalidBlobStorageRequestError extends InvalidRequestError {}

/** No such project, or no integration, in the key's organization (404). */
export class BlobStorageNotFoundError extends NotFoundError {}
