import type { ClickHouseClient } from "@clickhouse/client";
import { describe, expect, it } from "vitest";
import { MetricsQueryV2 } from "@wick/contracts";
import { MetricsEngine, MetricsResourceError } from "../src/index.ts";

const query = MetricsQueryV2.parse({ view: "observations", metrics: [], fromTimestamp: "2025-03-01T00:00:00Z", toTimestamp: "2025-03-02T00:00:00Z" });

/** A client whose every query fails as ClickHouse does (`type` is the error class it names). */
const failing = (type: string) => ({ query: async () => Promise.reject(Object.assign(new Error(`Code: 0. DB::Exception: (${type})`), { type })) }) as unknown as ClickHouseClient;

describe("MetricsEngine", () => {
  it("reports memory and time limits as too big to answer, and passes other failures on", async () => {
    await expect(new MetricsEngine(failing("MEMORY_LIMIT_EXCEEDED")).query("p", "v2", query)).rejects.toBeInstanceOf(MetricsResourceError);
    await expect(new MetricsEngine(failing("TIMEOUT_EXCEEDED")).query("p", "v2", query)).rejects.toBeInstanceOf(MetricsResourceError);
    const other = new MetricsEngine(failing("SYNTAX_ERROR")).query("p", "v2", query);
    await expect(other).rejects.not.toBeInstanceOf(MetricsResourceError);
  });

  it("renames result columns to the response keys, in order", async () => {
    const client = { query: async () => ({ json: async () => [{ m0: 5 }] }) } as unknown as ClickHouseClient;
    expect(await new MetricsEngine(client).query("p", "v2", query)).toEqual([{ count: 5 }]);
  });
});
