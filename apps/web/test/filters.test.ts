import { describe, expect, it } from "vitest";
import { DEFAULT_FILTERS, filtersFromSearch, filtersToSearch, traceListQuery } from "../src/traces/filters.ts";

describe("the trace list's URL state", () => {
  it("leaves the defaults out of the URL", () => {
    expect(filtersToSearch(DEFAULT_FILTERS)).toBe("");
    expect(filtersFromSearch("")).toEqual(DEFAULT_FILTERS);
  });

  it("round-trips every filter through the query string", () => {
    const filters = {
      range: "custom" as const,
      from: "2026-01-01T00:00:00.000Z",
      to: "2026-01-02T00:00:00.000Z",
      name: "support chat",
      search: "check out",
      userId: "user-7",
      sessionId: "session/3",
      tags: ["prod", "a,b"],
      environment: "production",
      page: 3,
      limit: 25,
    };
    const search = filtersToSearch(filters);
    expect(search).toContain("range=custom");
    expect(filtersFromSearch(search)).toEqual(filters);
  });

  it("falls back to defaults for malformed values rather than failing", () => {
    expect(filtersFromSearch("?range=3y&page=-2&limit=7&from=nonsense&name=%20%20")).toEqual(DEFAULT_FILTERS);
    expect(filtersFromSearch("?range=custom&from=nonsense")).toEqual({ ...DEFAULT_FILTERS, range: "custom", from: undefined, to: undefined });
  });

  it("drops a custom range's bounds once a quick range is chosen", () => {
    expect(filtersFromSearch("?range=24h&from=2026-01-01T00:00:00Z")).toEqual({ ...DEFAULT_FILTERS, range: "24h" });
  });
});

describe("traceListQuery", () => {
  const now = new Date("2026-03-01T12:00:00.000Z");

  it("asks for the newest first, one page", () => {
    expect(traceListQuery(DEFAULT_FILTERS, now)).toEqual({ page: "1", limit: "50", orderBy: "timestamp.desc" });
  });

  it("searches names with a contains filter, keeping an exact name, which a filter on the column would replace, in it too", () => {
    const contains = { type: "string", column: "name", operator: "contains", value: "chat" };
    expect(JSON.parse(traceListQuery({ ...DEFAULT_FILTERS, search: "chat" }, now).filter!)).toEqual([contains]);
    const both = traceListQuery({ ...DEFAULT_FILTERS, search: "chat", name: "support chat" }, now);
    expect(JSON.parse(both.filter!)).toEqual([contains, { type: "string", column: "name", operator: "=", value: "support chat" }]);
    expect(both.search).toBeUndefined();
  });

  it("ends quick ranges at now and passes custom bounds and text filters as the API names them", () => {
    expect(traceListQuery({ ...DEFAULT_FILTERS, range: "1h", tags: ["a", "b"], userId: "u" }, now)).toEqual({
      page: "1",
      limit: "50",
      orderBy: "timestamp.desc",
      fromTimestamp: "2026-03-01T11:00:00.000Z",
      tags: "a,b",
      userId: "u",
    });
    expect(traceListQuery({ ...DEFAULT_FILTERS, range: "custom", to: "2026-02-01T00:00:00Z", environment: "dev", page: 2 }, now)).toEqual({
      page: "2",
      limit: "50",
      orderBy: "timestamp.desc",
      toTimestamp: "2026-02-01T00:00:00.000Z",
      environment: "dev",
    });
  });
});
