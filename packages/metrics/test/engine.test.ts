import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClickHouseClient } from "@clickhouse/client";
import { describe, expect, it } from "vitest";
import { migrateClickHouse, openClickHouse } from "@wick/clickhouse";
import { DailyMetricsQuery, MetricsQueryV2 } from "@wick/contracts";
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

  it("words the refusal as the reference does for each API version, pointing v1 callers at v2", async () => {
    const narrow = "Your query could not be completed. Please narrow your request by adding more specific filters (e.g., a shorter date range).";
    const tryV2 = `${narrow}\nConsider using the v2 metrics endpoint (GET /api/public/v2/metrics), which is optimized for large projects.`;
    const engine = new MetricsEngine(failing("MEMORY_LIMIT_EXCEEDED"));
    await expect(engine.query("p", "v2", query)).rejects.toHaveProperty("message", narrow);
    await expect(engine.query("p", "v1", query)).rejects.toHaveProperty("message", tryV2);
    await expect(engine.daily("p", DailyMetricsQuery.parse({}))).rejects.toHaveProperty("message", tryV2);
  });

  it("renames result columns to the response keys, in order", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wick-metrics-engine-"));
    const store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
    try {
      await migrateClickHouse(store.client);
      // No dimension and no metric: ClickHouse answers one row, the count, under its SQL alias.
      expect(await new MetricsEngine(store.client).query("p", "v2", query)).toEqual([{ count: 0 }]);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
