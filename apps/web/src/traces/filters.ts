/** The trace list's view (filters and page) and its two spellings: the URL's query string and the API's query. */

export const QUICK_RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000, "30d": 2_592_000_000 } as const;
export type QuickRange = keyof typeof QUICK_RANGES;
export type TimeRange = QuickRange | "all" | "custom";

export const PAGE_SIZES = [10, 25, 50, 100] as const;
const DEFAULT_LIMIT = 50;

export interface TraceFilters {
  range: TimeRange;
  /** ISO timestamps of a custom range; either may be open. */
  from?: string;
  to?: string;
  name?: string;
  /** Free text: traces whose name contains it (and the trace with this id, which the page looks up apart). */
  search?: string;
  userId?: string;
  sessionId?: string;
  tags: string[];
  environment?: string;
  page: number;
  limit: number;
}

export const DEFAULT_FILTERS: TraceFilters = { range: "all", tags: [], page: 1, limit: DEFAULT_LIMIT };

const TEXT_FIELDS = ["name", "search", "userId", "sessionId", "environment"] as const;
/** The fields that are query parameters of `GET /api/public/traces` as they are. */
const QUERY_FIELDS = ["name", "userId", "sessionId", "environment"] as const;

function isRange(value: string | null): value is TimeRange {
  return value === "all" || value === "custom" || (value !== null && value in QUICK_RANGES);
}

function positiveInt(value: string | null, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

function validTime(value: string | null): string | undefined {
  return value && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

/** Reads a view from a query string; anything malformed falls back to the default rather than failing the page. */
export function filtersFromSearch(search: string): TraceFilters {
  const params = new URLSearchParams(search);
  const range = params.get("range");
  const limit = positiveInt(params.get("limit"), DEFAULT_LIMIT);
  const filters: TraceFilters = {
    range: isRange(range) ? range : "all",
    tags: params.getAll("tag").filter((tag) => tag !== ""),
    page: positiveInt(params.get("page"), 1),
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : DEFAULT_LIMIT,
  };
  for (const field of TEXT_FIELDS) {
    const value = params.get(field)?.trim();
    if (value) filters[field] = value;
  }
  if (filters.range === "custom") {
    filters.from = validTime(params.get("from"));
    filters.to = validTime(params.get("to"));
  }
  return filters;
}

/** The query string of a view, defaults left out so a plain list has a plain URL. */
export function filtersToSearch(filters: TraceFilters): string {
  const params = new URLSearchParams();
  if (filters.range !== "all") params.set("range", filters.range);
  if (filters.range === "custom") {
    if (filters.from) params.set("from", filters.from);
    if (filters.to) params.set("to", filters.to);
  }
  for (const field of TEXT_FIELDS) {
    const value = filters[field];
    if (value) params.set(field, value);
  }
  for (const tag of filters.tags) params.append("tag", tag);
  if (filters.page !== 1) params.set("page", String(filters.page));
  if (filters.limit !== DEFAULT_LIMIT) params.set("limit", String(filters.limit));
  const search = params.toString();
  return search === "" ? "" : `?${search}`;
}

/** The `GET /api/public/traces` query of a view; quick ranges end at `now`. */
export function traceListQuery(filters: TraceFilters, now: Date): Record<string, string> {
  const query: Record<string, string> = { page: String(filters.page), limit: String(filters.limit), orderBy: "timestamp.desc" };
  if (filters.range === "custom") {
    if (filters.from) query.fromTimestamp = new Date(filters.from).toISOString();
    if (filters.to) query.toTimestamp = new Date(filters.to).toISOString();
  } else if (filters.range !== "all") {
    query.fromTimestamp = new Date(now.getTime() - QUICK_RANGES[filters.range]).toISOString();
  }
  for (const field of QUERY_FIELDS) {
    const value = filters[field];
    if (value) query[field] = value;
  }
  if (filters.search) {
    // A filter on a column replaces the simple parameter on it, so an exact name goes in the filter too.
    const conditions = [{ type: "string", column: "name", operator: "contains", value: filters.search }];
    if (filters.name) conditions.push({ type: "string", column: "name", operator: "=", value: filters.name });
    query.filter = JSON.stringify(conditions);
  }
  if (filters.tags.length > 0) query.tags = filters.tags.join(",");
  return query;
}
