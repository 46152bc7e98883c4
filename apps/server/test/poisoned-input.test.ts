import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const LONE = "\ud800";
const now = () => new Date().toISOString();

/** `{a: {a: … {a: "bottom"}}}`, `levels` objects deep. */
function nested(levels: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** The same as JSON text, written out directly: JSON.stringify itself runs out of stack on it. */
const nestedJson = (levels: number) => `${'{"a":'.repeat(levels)}"bottom"${"}".repeat(levels)}`;

/** A batch body as text, with `{{DEEP}}` standing for a value nested 5,000 levels deep. */
const withDeepValue = (batch: unknown[]) => JSON.stringify({ batch }).replace('"{{DEEP}}"', nestedJson(5_000));

describe("values storage cannot take are refused per event, and never fail anyone else's write", () => {
  let t: TestApp;
  let other: TestProject;
  beforeAll(async () => {
    t = await createTestApp("embedded");
    other = await t.createProject();
  });
  afterAll(async () => t?.close());

  const ingest = (project: TestProject, batch: unknown[]) =>
    t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: project.basic, "content-type": "application/json" },
      payload: withDeepValue(batch),
    });
  const get = (project: TestProject, url: string) => t.app.inject({ method: "GET", url, headers: { authorization: project.basic } });

  it.each([
    [
      "an unpaired surrogate in an id",
      (traceId: string) => ({ id: `x${LONE}`, traceId, name: "s" }),
      /^Invalid request data: body\.id: contains an unpaired UTF-16 surrogate \(\\ud800 at character 1\)/,
    ],
    ["an unpaired surrogate in a name", (traceId: string) => ({ id: randomUUID(), traceId, name: `a${LONE}b` }), /body\.name: contains an unpaired UTF-16 surrogate/],
    [
      "an unpaired low surrogate in a metadata value",
      (traceId: string) => ({ id: randomUUID(), traceId, metadata: { k: `\udc00` } }),
      /body\.metadata\.k: contains an unpaired UTF-16 surrogate \(\\udc00 at character 0\)/,
    ],
    [
      "an unpaired surrogate in a metadata key",
      (traceId: string) => ({ id: randomUUID(), traceId, metadata: { [`k${LONE}`]: 1 } }),
      /body\.metadata: the key "k\\ud800" contains an unpaired UTF-16 surrogate/,
    ],
    ["input nested 5,000 levels deep", (traceId: string) => ({ id: randomUUID(), traceId, input: "{{DEEP}}" }), /body\.input(\.a)+: nested deeper than 256 levels/],
    ["output nested 300 levels deep", (traceId: string) => ({ id: randomUUID(), traceId, output: nested(300) }), /nested deeper than 256 levels/],
  ])("refuses %s with a 400 naming the field, and stores the rest of the batch", async (_case, poisonedBody, message) => {
    const traceId = randomUUID();
    const spanId = randomUUID();
    const poisoned = { id: randomUUID(), type: "span-create", timestamp: now(), body: poisonedBody(traceId) };
    const response = await ingest(t.project, [
      { id: randomUUID(), type: "trace-create", timestamp: now(), body: { id: traceId, name: "kept" } },
      poisoned,
      { id: randomUUID(), type: "span-create", timestamp: now(), body: { id: spanId, traceId, name: "kept span", input: nested(200) } },
    ]);
    expect(response.statusCode).toBe(207);
    expectReferenceResponse({ method: "POST", path: "/api/public/ingestion" }, 207, response.json());
    const { successes, errors } = response.json();
    expect(successes).toHaveLength(2);
    expect(errors).toEqual([{ id: poisoned.id, status: 400, message: expect.stringMatching(message), error: "InvalidRequestError" }]);

    const trace = await get(t.project, `/api/public/traces/${traceId}`);
    expect(trace.statusCode).toBe(200);
    expect(trace.json().name).toBe("kept");
    expect(trace.json().observations.map((o: { id: string }) => o.id)).toEqual([spanId]);
  });

  it("keeps paired surrogates (emoji) and a lone surrogate written as escaped text", async () => {
    const traceId = randomUUID();
    const name = "rocket 🚀 and the text \\ud800";
    const response = await ingest(t.project, [{ id: randomUUID(), type: "trace-create", timestamp: now(), body: { id: traceId, name, metadata: { "🔑": "✓" } } }]);
    expect(response.json().errors).toEqual([]);
    const trace = (await get(t.project, `/api/public/traces/${traceId}`)).json();
    expect(trace.name).toBe(name);
    expect(trace.metadata).toEqual({ "🔑": "✓" });
  });

  it("fails none of another project's concurrent requests", async () => {
    let failedForOthers = 0;
    for (let round = 0; round < 5; round++) {
      const traceIds = Array.from({ length: 7 }, () => randomUUID());
      const valid = traceIds.map((traceId) =>
        ingest(other, [
          { id: randomUUID(), type: "trace-create", timestamp: now(), body: { id: traceId, name: `round ${round}` } },
          { id: randomUUID(), type: "span-create", timestamp: now(), body: { id: randomUUID(), traceId, name: "s" } },
        ]),
      );
      const poisoned = ingest(t.project, [
        { id: randomUUID(), type: "span-create", timestamp: now(), body: { id: `x${LONE}`, traceId: "t1", name: "s" } },
        { id: randomUUID(), type: "trace-create", timestamp: now(), body: { id: randomUUID(), input: "{{DEEP}}" } },
      ]);
      const answers = await Promise.all(valid);
      failedForOthers += answers.filter((answer) => answer.statusCode !== 207 || answer.json().errors.length > 0).length;
      expect((await poisoned).json().errors).toHaveLength(2);
      for (const traceId of traceIds) expect((await get(other, `/api/public/traces/${traceId}`)).statusCode).toBe(200);
    }
    expect(failedForOthers).toBe(0);
  });

  it("refuses the same values on POST /scores with a 400", async () => {
    const post = (payload: object) => t.app.inject({ method: "POST", url: "/api/public/scores", headers: { authorization: t.project.basic }, payload });
    const traceId = randomUUID();
    const surrogate = await post({ traceId, name: "quality", value: 1, comment: `bad ${LONE}` });
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json().message).toMatch(/body\.comment: contains an unpaired UTF-16 surrogate/);
    const deep = await post({ traceId, name: "quality", value: 1, metadata: nested(400) });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().message).toMatch(/body\.metadata(\.a)+: nested deeper than 256 levels/);
    const fine = await post({ traceId, name: "quality", value: 1, comment: "fine" });
    expect(fine.statusCode).toBe(200);
  });

  it("leaves out OTLP spans with such values, and stores the others", async () => {
    const traceId = randomBytes(16).toString("hex");
    const [bad, good] = [randomBytes(8).toString("hex"), randomBytes(8).toString("hex")];
    const span = (spanId: string, name: string, attributes: object[] = []) => ({
      traceId,
      spanId,
      name,
      kind: 1,
      startTimeUnixNano: `${Date.now()}000000`,
      endTimeUnixNano: `${Date.now() + 5}000000`,
      attributes,
    });
    let deepList: object = { stringValue: "bottom" };
    for (let i = 0; i < 1_000; i++) deepList = { kvlistValue: { values: [{ key: "a", value: deepList }] } };
    const kvlist = randomBytes(8).toString("hex");
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
          scopeSpans: [
            {
              scope: { name: "poison" },
              spans: [
                span(bad, `bad ${LONE}`),
                span(kvlist, "deep attribute", [{ key: "langfuse.observation.metadata.deep", value: deepList }]),
                span(good, "good", [{ key: "gen_ai.tool.definitions", value: { stringValue: JSON.stringify([{ name: "ok", description: "fine" }]) } }]),
              ],
            },
          ],
        },
      ],
    };
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/otel/v1/traces",
      headers: { authorization: t.project.basic, "content-type": "application/json" },
      payload: JSON.stringify(body),
    });
    expect(response.statusCode).toBe(200);
    const { partialSuccess } = response.json();
    expect(partialSuccess).toEqual({
      rejectedSpans: 1,
      errorMessage: `1 of 3 span(s) not stored: ${bad}: Invalid request data: body.name: contains an unpaired UTF-16 surrogate (\\ud800 at character 4), which cannot be stored`,
    });
    expect((await get(t.project, `/api/public/observations/${good}`)).statusCode).toBe(200);
    expect((await get(t.project, `/api/public/observations/${bad}`)).statusCode).toBe(404);
    // A nested attribute value is stored as its JSON text, so its depth is no obstacle.
    expect((await get(t.project, `/api/public/observations/${kvlist}`)).statusCode).toBe(200);
  });
});
