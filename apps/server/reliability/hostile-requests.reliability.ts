import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerProcess } from "../test/support/server-process.ts";
import { figure, scaled, seeded, startReliabilityServer } from "./support.ts";

const REQUESTS = scaled(2_000, 12_000);
const CONCURRENCY = 8;
const SEED = Number(process.env.WICK_RELIABILITY_SEED ?? 20261205);
/** A request not answered in this long counts as a hang. */
const HANG_MS = 30_000;

type Random = ReturnType<typeof seeded>;

const SCALARS: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  "",
  " ",
  "x",
  "💥".repeat(40),
  "' OR 1=1 --",
  "\\",
  "\u0000",
  "\ud800",
  "\udfff",
  "2025-01-01T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "NaN",
  "1e400",
  "{",
  "[]",
  "null",
  "x".repeat(5_000),
];
const FIELDS = [
  "id",
  "traceId",
  "name",
  "userId",
  "sessionId",
  "release",
  "version",
  "public",
  "tags",
  "metadata",
  "input",
  "output",
  "environment",
  "level",
  "statusMessage",
  "parentObservationId",
  "model",
  "modelParameters",
  "usage",
  "usageDetails",
  "costDetails",
  "promptName",
  "promptVersion",
  "startTime",
  "endTime",
  "completionStartTime",
  "value",
  "dataType",
  "comment",
  "source",
  "configId",
  "observationId",
  "stringValue",
];
const TYPES = [
  "trace-create",
  "span-create",
  "span-update",
  "generation-create",
  "generation-update",
  "event-create",
  "agent-create",
  "tool-create",
  "score-create",
  "sdk-log",
  "unknown-type",
  "",
];

function value(random: Random, depth = 0): unknown {
  const roll = random.next();
  if (depth < 3 && roll < 0.15) return Array.from({ length: 1 + Math.floor(random.next() * 3) }, () => value(random, depth + 1));
  if (depth < 3 && roll < 0.3)
    return Object.fromEntries(
      Array.from({ length: 1 + Math.floor(random.next() * 3) }, () => [random.pick(FIELDS.concat(["__proto__", "constructor", "a.b", ""])), value(random, depth + 1)]),
    );
  if (roll < 0.33) return `${'{"a":'.repeat(400)}1${"}".repeat(400)}`;
  return random.pick(SCALARS);
}

/**
 * `value` as a URL component. An unpaired surrogate has no UTF-8 form, so encodeURIComponent throws
 * on it; it is sent as the bytes its generalised UTF-8 would have, which a server must also survive.
 */
function q(value: unknown): string {
  const marker = "\u0001SURROGATE\u0001";
  return encodeURIComponent(String(value).replace(/[\uD800-\uDFFF]/gu, marker)).replaceAll(encodeURIComponent(marker), "%ED%A0%80");
}

const deepJson = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

/** One hostile request: a route family, then a body or query built from the seeded sequence. */
function hostileRequest(random: Random, authorization: string): { path: string; init: RequestInit } {
  const json = { authorization, "content-type": "application/json" };
  const family = random.pick(["ingestion", "ingestion", "otel", "metrics", "filters", "prompts", "scores", "raw"] as const);
  switch (family) {
    case "ingestion": {
      const batch = Array.from({ length: 1 + Math.floor(random.next() * 20) }, () => {
        const body: Record<string, unknown> = { id: random.next() < 0.8 ? randomUUID() : value(random) };
        for (let i = 0; i < 4; i++) body[random.pick(FIELDS)] = value(random);
        return {
          id: random.next() < 0.9 ? randomUUID() : value(random),
          type: random.pick(TYPES),
          timestamp: random.next() < 0.8 ? new Date().toISOString() : value(random),
          body,
        };
      });
      const text = JSON.stringify(random.next() < 0.9 ? { batch } : value(random));
      return { path: "/api/public/ingestion", init: { method: "POST", headers: json, body: random.next() < 0.05 ? text.slice(0, Math.floor(text.length / 2)) : text } };
    }
    case "otel": {
      const span = {
        traceId: random.pick(["", "00", randomUUID().replaceAll("-", ""), value(random)]),
        spanId: random.pick(["", "0011223344556677", value(random)]),
        name: value(random),
        startTimeUnixNano: random.pick(["0", "1746026930686364157", "-1", value(random)]),
        attributes: [
          { key: random.pick(["langfuse.observation.input", "gen_ai.usage.input_tokens", "langfuse.trace.metadata.x", "ai.prompt.tools"]), value: { stringValue: value(random) } },
        ],
      };
      const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "fuzz" }, spans: [span] }] }] });
      const compressed = random.next() < 0.2;
      return {
        path: "/api/public/otel/v1/traces",
        init: {
          method: "POST",
          headers: { authorization, "content-type": random.pick(["application/json", "application/x-protobuf"]), ...(compressed ? { "content-encoding": "gzip" } : {}) },
          body: compressed ? gzipSync(body) : random.next() < 0.1 ? deepJson(3_000) : body,
        },
      };
    }
    case "metrics": {
      const query = {
        view: random.pick(["traces", "observations", "scores-numeric", "scores-categorical", value(random)]),
        metrics: [{ measure: random.pick(["count", "latency", "totalCost", value(random)]), aggregation: random.pick(["count", "sum", "p95", "histogram", value(random)]) }],
        dimensions: [{ field: random.pick(["name", "model", "tags", value(random)]) }],
        filters: [
          {
            column: random.pick(["metadata", "name", value(random)]),
            operator: random.pick(["=", "contains", "any of", value(random)]),
            value: value(random),
            type: random.pick(["string", "stringObject", "arrayOptions", value(random)]),
            key: value(random),
          },
        ],
        fromTimestamp: random.pick(["2025-01-01T00:00:00Z", value(random)]),
        toTimestamp: random.pick(["2026-01-01T00:00:00Z", value(random)]),
        timeDimension: random.next() < 0.5 ? { granularity: random.pick(["hour", "day", "auto", value(random)]) } : undefined,
      };
      return {
        path: `${random.pick(["/api/public/metrics", "/api/public/v2/metrics", "/api/public/metrics/daily"])}?query=${q(JSON.stringify(query))}&traceName=${q(value(random))}`,
        init: { headers: { authorization } },
      };
    }
    case "filters": {
      const filter = JSON.stringify([
        {
          type: random.pick(["string", "datetime", "stringObject", "number", "arrayOptions", value(random)]),
          column: random.pick(["name", "metadata", "startTime", "latency", value(random)]),
          operator: random.pick(["=", ">", "contains", "any of", value(random)]),
          value: value(random),
          key: value(random),
        },
      ]);
      const path = random.pick(["/api/public/traces", "/api/public/observations", "/api/public/v2/observations", "/api/public/sessions", "/api/public/v2/scores"]);
      return {
        path: `${path}?filter=${q(random.next() < 0.9 ? filter : value(random))}&limit=${q(value(random))}&cursor=${q(value(random))}`,
        init: { headers: { authorization } },
      };
    }
    case "prompts": {
      if (random.next() < 0.5) return { path: `/api/public/v2/prompts/${q(String(value(random)) || "p")}?label=${q(value(random))}`, init: { headers: { authorization } } };
      const body = {
        name: value(random),
        type: random.pick(["text", "chat", value(random)]),
        prompt: random.next() < 0.5 ? value(random) : [{ role: value(random), content: value(random) }],
        labels: value(random),
        config: value(random),
        tags: value(random),
      };
      return { path: "/api/public/v2/prompts", init: { method: "POST", headers: json, body: JSON.stringify(body) } };
    }
    case "scores": {
      const body = {
        traceId: value(random),
        name: value(random),
        value: value(random),
        dataType: random.pick(["NUMERIC", "CATEGORICAL", "BOOLEAN", value(random)]),
        comment: value(random),
        metadata: value(random),
        configId: value(random),
      };
      return { path: "/api/public/scores", init: { method: "POST", headers: json, body: JSON.stringify(body) } };
    }
    case "raw":
      return {
        path: random.pick(["/api/public/ingestion", "/api/public/scores", "/api/public/v2/prompts"]),
        init: { method: "POST", headers: json, body: random.pick(["", "{", "[]", "null", '"x"', deepJson(10_000), "\u0000"]) },
      };
  }
}

describe("hostile requests against a running server", () => {
  let server: ServerProcess;
  let authorization: string;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    const started = await startReliabilityServer();
    server = started.server;
    authorization = started.project.authorization;
    stop = started.stop;
  });
  afterAll(async () => stop?.());

  it(`never answer 5xx nor hang (seed ${SEED})`, async () => {
    const random = seeded(SEED);
    const requests = Array.from({ length: REQUESTS }, () => hostileRequest(random, authorization));
    const classes = new Map<string, number>();
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const index = next++;
          const { path, init } = requests[index]!;
          let status: string;
          try {
            const response = await fetch(`${server.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(HANG_MS) });
            await response.arrayBuffer();
            status = `${Math.floor(response.status / 100)}xx`;
            if (response.status >= 500) failures.push(`#${index} ${init.method ?? "GET"} ${path.slice(0, 200)} → ${response.status}`);
          } catch (error) {
            status = "hang or reset";
            failures.push(`#${index} ${init.method ?? "GET"} ${path.slice(0, 200)} → ${(error as Error).name}`);
          }
          classes.set(status, (classes.get(status) ?? 0) + 1);
        }
      }),
    );
    const counts = [...classes]
      .sort()
      .map(([name, count]) => `${name} ${count}`)
      .join(", ");
    figure("hostile requests", `${REQUESTS} requests (seed ${SEED}): ${counts}; ${failures.length} 5xx or hangs`);
    expect(failures).toEqual([]);
    expect((await fetch(`${server.baseUrl}/api/public/health`)).status).toBe(200);
  });
});
