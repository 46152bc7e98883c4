export { RunService } from "./run-service.ts";
export { DatasetService, type LegacyDataset } from "./service.ts";
export type { SignedMedia, SignMedia } from "./item-media.ts";
export { DatasetConflictError, DatasetNotFoundError, InvalidDatasetRequestError } from "./errors.ts";
