import type { BlobStorageSyncStatus } from "@wick/contracts";
import type { BlobStorageIntegrationRow } from "@wick/postgres";

/** A run still marked as started after this long is taken to have died, so it no longer reads as running. */
export const RUN_TIMEOUT_MS = 2 * 60 * 60 * 1000;

export type ScheduleState = Pick<BlobStorageIntegrationRow, "enabled" | "lastError" | "runStartedAt" | "nextSyncAt" | "lastSyncAt">;

/** What an integration is doing, the first of these that holds, in the reference's order. */
export function syncStatusOf(state: ScheduleState, now: Date): BlobStorageSyncStatus {
  if (!state.enabled) return "disabled";
  if (state.lastError) return "error";
  if (state.runStartedAt && now.getTime() - state.runStartedAt.getTime() < RUN_TIMEOUT_MS) return "running";
  if (state.nextSyncAt && state.nextSyncAt.getTime() <= now.getTime()) return "queued";
  if (!state.lastSyncAt) return "idle";
  return "up_to_date";
}
