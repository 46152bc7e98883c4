export type { ObjectStore, StoredObject, UploadSpec, UrlContext } from "./store.ts";
export { ObjectStoreRefusal } from "./errors.ts";
export { UrlSigner } from "./url-signer.ts";
export { DiskObjectStore, LOCAL_OBJECTS_ROUTE, type SignedDownload } from "./disk-store.ts";
export { S3ObjectStore, type S3StoreConfig } from "./s3-store.ts";
