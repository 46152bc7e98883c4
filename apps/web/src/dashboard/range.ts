/** The dashboard's time range: how the URL spells it, and the window and bucket size it stands for. */

export const DASHBOARD_RANGES = { "24h": 86_400_000, "7d": 604_800_000, "30d": 2_592_000_000, "90d": 7_776_000_000 } as const;
export type DashboardQuickRange = keyof typeof DASHBOARD_RANGES;

export type DashboardRange = { kind: "quick"; range: DashboardQuickRange } | { kind: "custom"; from: string; to: string };

export type Granularity = "hour" | "day" | "week";

const DEFAULT_QUICK_RANGE: DashboardQuickRange = "7d";
export const DEFAULT_RANGE: DashboardRange = { kind: "quick", range: DEFAULT_QUICK_RANGE };

const HOUR_MS = 3_600_000;

function isQuick(value: string | null): value is DashboardQuickRange {
  return value !== null && Object.hasOwn(DASHBOARD_RANGES, value);
}

/** Reads the range from a query string; a malformed or backwards custom range falls back to the default. */
export function rangeFromSearch(search: string): DashboardRange {
  const params = new URLSearchParams(search);
  const range = params.get("range");
  if (isQuick(range)) return { kind: "quick", range };
  const from = params.get("from");
  const to = params.get("to");
  if (range === "custom" && from && to && Date.parse(from) < Date.parse(to)) return { kind: "custom", from, to };
  return DEFAULT_RANGE;
}

export function rangeToSearch(range: DashboardRange): string {
  if (range.kind === "quick") return range.range === DEFAULT_QUICK_RANGE ? "" : `?range=${range.range}`;
  return `?${new URLSearchParams({ range: "custom", from: range.from, to: range.to }).toString()}`;
}

/**
 * The window a range covers, and its bucket size: hours up to three days, days up to half a year,
 * weeks beyond, so a chart has between a few and a few hundred points.
 */
export function windowOf(range: DashboardRange, now: Date): { from: Date; to: Date; granularity: Granularity } {
  const to = range.kind === "quick" ? now : new Date(range.to);
  const from = range.kind === "quick" ? new Date(now.getTime() - DASHBOARD_RANGES[range.range]) : new Date(range.from);
  const hours = (to.getTime() - from.getTime()) / HOUR_MS;
  const granularity: Granularity = hours <= 72 ? "hour" : hours <= 24 * 183 ? "day" : "week";
  return { from, to, granularity };
}
