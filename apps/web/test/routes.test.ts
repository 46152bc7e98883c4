import { describe, expect, it } from "vitest";
import { parseRoute } from "../src/routing/location.ts";

describe("parseRoute", () => {
  it("reads the pages and their ids from the path", () => {
    expect(parseRoute("/traces/a%2Fb")).toEqual({ page: "trace", traceId: "a/b" });
    expect(parseRoute("/sessions/")).toEqual({ page: "sessions" });
    expect(parseRoute("/sessions/s-1")).toEqual({ page: "session", sessionId: "s-1" });
    expect(parseRoute("/prompts")).toEqual({ page: "prompts" });
    expect(parseRoute("/prompts/support%2Fgreeting")).toEqual({ page: "prompt", name: "support/greeting" });
  });

  it("shows the trace list for the root and any unknown path", () => {
    for (const path of ["/", "/traces", "/nothing/here", "/traces/a/b"]) expect(parseRoute(path)).toEqual({ page: "traces" });
  });
});
