import type { BlobStorageIntegration, BlobStorageIntegrationStatus } from "@wick/contracts";
import type { BlobStorageIntegrationRow } from "@wick/postgres";
import { syncStatusOf } from "./sync-status.ts";

const instant = (value: Date | null) => value?.toISOString() ?? null;

/** An integration as the API shows it: everything but the secret. */
export function integrationResponse(row: BlobStorageIntegrationRow): BlobStorageIntegration {
  return {
    id: row.projectId,
    projectId: row.projectId,
    type: row.type,
    bucketName: row.bucketName,
    endpoint: row.endpoint,
    region: row.region,
    accessKeyId: row.accessKeyId,
    prefix: row.prefix,
    exportFrequency: row.exportFrequency,
    enabled: row.enabled,
    forcePathStyle: row.forcePathStyle,
    fileType: row.fileType,
    exportMode: row.exportMode,
    exportStartDate: instant(row.exportStartDate),
    compressed: row.compressed,
    exportSource: row.exportSource,
    exportFieldGroups: row.exportFieldGroups as BlobStorageIntegration["exportFieldGroups"],
    nextSyncAt: instant(row.nextSyncAt),
    lastSyncAt: instant(row.lastSyncAt),
    lastError: row.lastError,
    lastErrorAt: instant(row.lastErrorAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function statusResponse(row: BlobStorageIntegrationRow, now: Date): BlobStorageIntegrationStatus {
  return {
    id: row.projectId,
    projectId: row.projectId,
    syncStatus: syncStatusOf(row, now),
    enabled: row.enabled,
    lastSyncAt: instant(row.lastSyncAt),
    nextSyncAt: instant(row.nextSyncAt),
    lastError: row.lastError,
    lastErrorAt: instant(row.lastErrorAt),
  };
}
