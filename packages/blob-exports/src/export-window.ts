import type { BlobStorageIntegrationRow } from "@wick/postgres";
import type { ExportTable } from "@wick/exports";

const MINUTE = 60_000;
const PERIOD_MS: Record<BlobStorageIntegrationRow["exportFrequency"], number> = {
  every_20_minutes: 20 * MINUTE,
  hourly: 60 * MINUTE,
  daily: 24 * 60 * MINUTE,
  weekly: 7 * 24 * 60 * MINUTE,
};

/** Data younger than this is left to the next run: late events of the last minutes still arrive. */
export const EXPORT_LAG_MS = 20 * MINUTE;

/** The tables of each export source (resources.md §8.4): scores always. */
export const SOURCE_TABLES: Record<BlobStorageIntegrationRow["exportSource"], ExportTable[]> = {
  LEGACY_TRACES_OBSERVATIONS: ["traces", "observations", "scores"],
  OBSERVATIONS_V2: ["observations_v2", "scores"],
  LEGACY_TRACES_AND_ENRICHED_OBSERVATIONS: ["traces", "observations", "observations_v2", "scores"],
};

export type ScheduleStep =
  /** A window to export, and when the next run is due once it is written. */
  | { kind: "export"; from: Date; to: Date; nextSyncAt: Date }
  /** Nothing to export before `nextSyncAt`. */
  | { kind: "wait"; nextSyncAt: Date };

/**
 * What a run exports (resources.md §8.4): from the last window's end (first: the project's earliest
 * data, or the configured start), one period at most, and never the last 20 minutes. A backlog is
 * exported a period per run with the next run due at once; a caught-up export is next due one
 * period after its window's end.
 */
export function nextStep(
  row: Pick<BlobStorageIntegrationRow, "lastSyncAt" | "exportMode" | "exportStartDate" | "exportFrequency">,
  earliestData: Date | undefined,
  now: Date,
): ScheduleStep {
  const period = PERIOD_MS[row.exportFrequency];
  const start = row.lastSyncAt ?? (row.exportMode === "FULL_HISTORY" ? earliestData : row.exportStartDate);
  if (!start) return { kind: "wait", nextSyncAt: new Date(now.getTime() + period) };
  const end = new Date(Math.min(start.getTime() + period, now.getTime() - EXPORT_LAG_MS));
  if (end <= start) return { kind: "wait", nextSyncAt: new Date(start.getTime() + period) };
  const caughtUp = end.getTime() + period > now.getTime() - EXPORT_LAG_MS;
  return { kind: "export", from: start, to: end, nextSyncAt: caughtUp ? new Date(end.getTime() + period) : now };
}
