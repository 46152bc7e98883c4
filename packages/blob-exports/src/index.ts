export { BlobStorageIntegrations, type BlobStorageOptions } from "./service.ts";
export { BlobStorageIntegrationRepository } from "./repository.ts";
export { BlobStorageNotFoundError, InvalidBlobStorageRequestError } from "./errors.ts";
export { BlobExportRunner, type ExportRunnerOptions } from "./runner.ts";
