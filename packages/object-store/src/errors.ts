/**
 * A request the store refuses, with the status and code S3 answers it with, so that the SDKs (which
 * report the storage response through `PATCH /api/public/media/{id}`) see the same failures.
 */
export class ObjectStoreRefusal extends Error {
  override name = "ObjectStoreRefusal";

  constructor(
    readonly statusCode: 400 | 403 | 404,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
