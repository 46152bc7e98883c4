import { BlobStorageExportFieldGroup, type BlobStorageExportSource, type CreateBlobStorageIntegrationRequest } from "@wick/contracts";
import type { BlobStorageIntegrationRow } from "@wick/postgres";
import { InvalidBlobStorageRequestError } from "./errors.ts";

/**
 * The reference defaults a new integration to OBSERVATIONS_V2 where the deployment serves the v2
 * observation model for all its data, and to the legacy tables otherwise. Wick serves every
 * observation through the v2 model (`/api/public/v2/observations` reads the same rows as v1), so
 * v2 can be exported from the first event on, and new integrations start on the source the
 * reference is moving to rather than on one it deprecates.
 */
const DEFAULT_EXPORT_SOURCE: BlobStorageExportSource = "OBSERVATIONS_V2";

/** The reference's column default: every group. */
const ALL_FIELD_GROUPS = BlobStorageExportFieldGroup.options;

/** What a PUT stores; the export runner's columns (`lastError` and the like) are left as they are. */
export type IntegrationSettings = Omit<BlobStorageIntegrationRow, "lastError" | "lastErrorAt" | "lastFailureNotificationSentAt">;

function exportStartDate(request: CreateBlobStorageIntegrationRequest, now: Date): Date | null {
  switch (request.exportMode) {
    case "FROM_TODAY":
      return now;
    case "FROM_CUSTOM_DATE":
      return new Date(request.exportStartDate!);
    case "FULL_HISTORY":
      return null;
  }
}

/**
 * The stored secret: a new one sealed by the caller, else the stored one when the integration keeps
 * its access key id. With the host's credentials (S3 without an access key id) none is kept.
 */
function secretOf(accessKeyId: string | null, sealedSecret: string | undefined, existing: BlobStorageIntegrationRow | undefined): string | null {
  if (!accessKeyId) return null;
  const secret = sealedSecret ?? existing?.secretAccessKey;
  if (!secret) throw new InvalidBlobStorageRequestError("secretAccessKey is required with an accessKeyId when the integration has no stored secret");
  return secret;
}

/**
 * The row a PUT writes, with the reference's effects: the start date follows the mode, a new mode
 * exports again from its start, and an enabled integration saved after a failure is due at once.
 * Every save ends a run marked as started, so a stuck run does not keep the integration busy.
 */
export function settingsFor(
  request: CreateBlobStorageIntegrationRequest,
  existing: BlobStorageIntegrationRow | undefined,
  sealedSecret: string | undefined,
  now: Date,
): IntegrationSettings {
  const accessKeyId = request.accessKeyId || null;
  const modeChanged = existing !== undefined && existing.exportMode !== request.exportMode;
  const dueNow = modeChanged || (request.enabled && Boolean(existing?.lastError));
  return {
    projectId: request.projectId,
    type: request.type,
    bucketName: request.bucketName,
    prefix: request.prefix,
    accessKeyId,
    secretAccessKey: secretOf(accessKeyId, sealedSecret, existing),
    region: request.region,
    endpoint: request.endpoint || null,
    forcePathStyle: request.forcePathStyle,
    enabled: request.enabled,
    exportFrequency: request.exportFrequency,
    fileType: request.fileType,
    exportMode: request.exportMode,
    exportStartDate: exportStartDate(request, now),
    exportSource: request.exportSource ?? existing?.exportSource ?? DEFAULT_EXPORT_SOURCE,
    exportFieldGroups: request.exportFieldGroups ? [...new Set(request.exportFieldGroups)] : (existing?.exportFieldGroups ?? [...ALL_FIELD_GROUPS]),
    compressed: request.compressed ?? true,
    lastSyncAt: modeChanged ? null : (existing?.lastSyncAt ?? null),
    nextSyncAt: dueNow ? now : (existing?.nextSyncAt ?? null),
    runStartedAt: null,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
}
