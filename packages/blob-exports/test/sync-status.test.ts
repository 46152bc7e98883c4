import { describe, expect, it } from "vitest";
import { syncStatusOf, type ScheduleState } from "../src/sync-status.ts";

const now = new Date("2026-03-01T12:00:00.000Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const HOUR = 60 * 60 * 1000;
const fresh: ScheduleState = { enabled: true, lastError: null, runStartedAt: null, nextSyncAt: null, lastSyncAt: null };

describe("syncStatusOf", () => {
  it.each<[string, Partial<ScheduleState>, string]>([
    ["a run started just under 2 hours ago is running", { runStartedAt: ago(2 * HOUR - 1) }, "running"],
    ["a run started exactly 2 hours ago is not", { runStartedAt: ago(2 * HOUR) }, "idle"],
    ["an export due this instant is queued", { nextSyncAt: now }, "queued"],
    ["an export due a millisecond later is not", { nextSyncAt: ago(-1), lastSyncAt: ago(HOUR) }, "up_to_date"],
    ["an empty error message is no error", { lastError: "" }, "idle"],
  ])("%s", (_case, state, status) => {
    expect(syncStatusOf({ ...fresh, ...state }, now)).toBe(status);
  });
});
