import { describe, expect, it } from "vitest";
import { checkBatch, foldObservation, withSpanColumns, type Attribution, type LoggedEvent, type SpanColumns } from "../src/index.ts";

const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();
const scope = { projectId: "p", accessLevel: "project" as const, attribution: { publicKey: "pk-1", sdkName: "python", sdkVersion: "4.1.0" } };

/** Checks a batch as the OTLP route does, giving each observation event the columns stated for it. */
function logged(batch: Array<{ id: string; timestamp: string; columns?: SpanColumns; attribution?: Attribution }>): LoggedEvent[] {
  return batch.map(({ id, timestamp, columns, attribution }) => {
    const checked = checkBatch([{ id, type: "span-create", timestamp, body: { id: "o", traceId: "t", startTime: at(0) } }], scope);
    const [entity] = withSpanColumns(checked, new Map(columns ? [[id, columns]] : [])).accepted;
    return { ...entity!.event, receivedAt: 1_000, attribution: attribution ?? entity!.attribution };
  });
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe("folding span columns", () => {
  const events = logged([
    {
      id: "e1",
      timestamp: at(1),
      columns: {
        toolDefinitions: { search: '{"description":"d","parameters":{}}' },
        toolCalls: ['{"name":"search","arguments":"{}"}'],
        toolCallNames: ["search"],
        isAppRoot: true,
        experimentId: "exp-1",
        experimentName: "first name",
        experimentItemVersion: "2025-01-01T00:00:00.000Z",
        experimentMetadata: { a: "1", "b.c": "2" },
      },
    },
    { id: "e2", timestamp: at(2), columns: { experimentName: "second name", experimentItemMetadata: { k: "v" }, toolCalls: [], toolCallNames: [] } },
    // An ingestion API event states none of the columns: it clears nothing.
    { id: "e3", timestamp: at(3), attribution: { publicKey: "pk-2", sdkName: "javascript", sdkVersion: "5.0.0" } },
  ]);

  it("keeps each column's latest non-empty value and the latest event's attribution", () => {
    expect(foldObservation("p", "o", events).row).toMatchObject({
      tool_definitions: { search: '{"description":"d","parameters":{}}' },
      tool_calls: ['{"name":"search","arguments":"{}"}'],
      tool_call_names: ["search"],
      is_app_root: true,
      experiment_id: "exp-1",
      experiment_name: "second name",
      experiment_description: "",
      experiment_item_version: "2025-01-01T00:00:00.000Z",
      experiment_metadata_names: ["a", "b.c"],
      experiment_metadata_values: ["1", "2"],
      experiment_item_metadata_names: ["k"],
      experiment_item_metadata_values: ["v"],
      ingestion_public_key: "pk-2",
      ingestion_sdk_name: "javascript",
      ingestion_sdk_version: "5.0.0",
    });
  });

  it("is the same whatever order the events arrive in", () => {
    const expected = foldObservation("p", "o", events).row;
    for (const order of permutations(events)) expect(foldObservation("p", "o", order).row).toEqual(expected);
  });

  it("stores the column defaults when no event states them, and the unattributed defaults without a log", () => {
    const [plain] = logged([{ id: "e", timestamp: at(0) }]);
    const withoutLog = { ...plain!, attribution: undefined };
    expect(foldObservation("p", "o", [plain!]).row).toMatchObject({
      tool_definitions: {},
      tool_calls: [],
      is_app_root: false,
      experiment_item_version: null,
      ingestion_public_key: "pk-1",
    });
    expect(foldObservation("p", "o", [withoutLog]).row).toMatchObject({ ingestion_public_key: "", ingestion_sdk_name: "unknown", ingestion_sdk_version: "unknown" });
  });
});

describe("span columns from the ingestion API", () => {
  it("are stripped from bodies users send, under any name", () => {
    const { accepted } = checkBatch(
      [
        {
          id: "e",
          type: "generation-create",
          timestamp: at(0),
          body: { id: "g", otel: { isAppRoot: true }, toolCalls: ["x"], tool_definitions: { a: "b" }, isAppRoot: true, experimentId: "exp", ingestion_public_key: "forged" },
        },
      ],
      scope,
    );
    const body = accepted[0]!.event.body;
    for (const key of ["otel", "toolCalls", "tool_definitions", "isAppRoot", "experimentId", "ingestion_public_key"]) expect(body).not.toHaveProperty(key);
    expect(foldObservation("p", "g", [{ ...accepted[0]!.event, receivedAt: 0, attribution: accepted[0]!.attribution }]).row).toMatchObject({
      is_app_root: false,
      tool_calls: [],
      tool_definitions: {},
      experiment_id: "",
      ingestion_public_key: "pk-1",
    });
  });

  it("reach only observation events the OTLP route names", () => {
    const checked = checkBatch(
      [
        { id: "t", type: "trace-create", timestamp: at(0), body: { id: "t" } },
        { id: "s", type: "span-create", timestamp: at(0), body: { id: "s" } },
      ],
      scope,
    );
    const extended = withSpanColumns(
      checked,
      new Map([
        ["t", { isAppRoot: true as const }],
        ["s", { experimentId: "x" }],
      ]),
    );
    expect(extended.accepted.map((entity) => entity.event.body.otel)).toEqual([undefined, { experimentId: "x" }]);
    expect(checked.accepted.every((entity) => !("otel" in entity.event.body))).toBe(true);
  });
});

describe("span columns storage cannot take", () => {
  it("refuse their event, which then counts as an error and not a success", () => {
    const span = (id: string) => ({ id, type: "span-create", timestamp: at(1), body: { id: `o-${id}`, traceId: "t", startTime: at(0) } });
    const checked = withSpanColumns(
      checkBatch([span("good"), span("bad")], scope),
      new Map<string, SpanColumns>([
        ["good", { toolCallNames: ["search"] }],
        ["bad", { toolDefinitions: { "search\ud800": "{}" } }],
      ]),
    );
    expect(checked.accepted.map((entity) => entity.event.eventId)).toEqual(["good"]);
    expect(checked.response.successes).toEqual([{ id: "good", status: 201 }]);
    expect(checked.response.errors).toEqual([
      {
        id: "bad",
        status: 400,
        message:
          'Invalid request data: span columns toolDefinitions: the key "search\\ud800" contains an unpaired UTF-16 surrogate (\\ud800 at character 6), which cannot be stored',
        error: "InvalidRequestError",
      },
    ]);
  });
});
