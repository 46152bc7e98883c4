import { describe, expect, it } from "vitest";
import { MetricsQueryV1, type MetricsQuery } from "@wick/contracts";
import { compileMetricsQuery, MetricsQueryError, viewFor } from "../src/index.ts";
import { resolveGranularity } from "../src/compile/time.ts";

const FROM = "2025-03-01T00:00:00Z";
const TO = "2025-03-05T00:00:00Z";
const query = (partial: Record<string, unknown>): MetricsQuery => MetricsQueryV1.parse({ fromTimestamp: FROM, toTimestamp: TO, metrics: [], ...partial });
const compile = (partial: Record<string, unknown>, version: "v1" | "v2" = "v2") => compileMetricsQuery("project-1", version, query(partial));
const HOSTILE = "x' OR 1=1) --\\";

describe("compileMetricsQuery", () => {
  it("binds every value and names columns by alias, keys in response order", () => {
    const compiled = compile({
      view: "observations",
      dimensions: [{ field: "providedModelName" }],
      metrics: [
        { measure: "totalCost", aggregation: "sum" },
        { measure: "latency", aggregation: "p95" },
      ],
      filters: [
        { column: "name", type: "string", operator: "contains", value: HOSTILE },
        { column: "metadata", type: "stringObject", key: HOSTILE, operator: "=", value: HOSTILE },
        { column: "tags", type: "arrayOptions", operator: "any of", value: [HOSTILE] },
      ],
    });
    expect(compiled.sql).not.toContain("OR 1=1");
    expect(compiled.sql).not.toContain("project-1");
    expect(Object.values(compiled.params)).toEqual(expect.arrayContaining(["project-1", HOSTILE, [HOSTILE], "2025-03-01 00:00:00.000", "2025-03-05 00:00:00.000"]));
    expect(compiled.columns).toEqual([
      { alias: "d0", key: "providedModelName" },
      { alias: "m0", key: "sum_totalCost" },
      { alias: "m1", key: "p95_latency" },
    ]);
    expect(compiled.sql).toContain("quantile(0.95)(date_diff('millisecond', o.start_time, o.end_time)) AS m1");
  });

  it("scopes the base table and every joined subquery to the project, each read FINAL", () => {
    const compiled = compile({
      view: "observations",
      dimensions: [{ field: "userId" }],
      metrics: [{ measure: "countScores", aggregation: "sum" }],
      config: { row_limit: 5 },
      orderBy: [{ field: "sum_countScores", direction: "desc" }],
    });
    const project = Object.entries(compiled.params).find(([, value]) => value === "project-1")![0];
    expect(compiled.sql.split(`{${project}:String}`).length - 1).toBe(3);
    expect(compiled.sql.match(/FINAL/g)).toHaveLength(3);
  });

  it("joins v2 trace attributes LEFT and unwindowed, v1's INNER within the window", () => {
    const v2 = compile({ view: "observations", dimensions: [{ field: "traceName" }] }).sql;
    const v1 = compile({ view: "observations", dimensions: [{ field: "traceName" }] }, "v1").sql;
    expect(v2).toMatch(/LEFT JOIN \(\s*SELECT id, name[^)]*WHERE project_id = \{f0:String\}\s*\) AS tr/);
    expect(v1).toMatch(/INNER JOIN \(\s*SELECT id, name[^)]*timestamp >= \{f1:DateTime64\(3, 'UTC'\)\} AND timestamp <= \{f2/);
    expect(compile({ view: "observations", dimensions: [{ field: "name" }] }).sql).not.toContain("JOIN");
  });

  it("joins no relation ANY: ClickHouse's INNER ANY JOIN would use each partner row for one base row only", () => {
    const window = { projectId: "{p:String}", from: "{f:DateTime64(3, 'UTC')}", to: "{t:DateTime64(3, 'UTC')}" };
    for (const version of ["v1", "v2"] as const) {
      for (const name of ["traces", "observations", "scores-numeric", "scores-categorical", "scores-boolean"] as const) {
        for (const [relation, declared] of viewFor(version, name)?.relations ?? []) expect(declared.join(window), `${version} ${name} ${relation}`).not.toMatch(/\bANY\b/);
      }
    }
  });

  it("declares which fields need a trace join and which a per-entity pre-aggregation", () => {
    const observations = viewFor("v2", "observations")!;
    expect(observations.dimensions.get("userId")?.relation).toBe("trace");
    expect(observations.relations.get("trace")?.kind).toBe("lookup");
    expect(observations.measures.get("countScores")?.relation).toBe("scores");
    expect(observations.relations.get("scores")?.kind).toBe("perEntity");
    const traces = viewFor("v1", "traces")!;
    expect(traces.relations.get(traces.measures.get("totalCost")!.relation!)?.kind).toBe("perEntity");
    expect(viewFor("v2", "traces")).toBeUndefined();
  });

  it("orders by time with gap filling, else by the first metric, else by the first dimension", () => {
    const timed = compile({
      view: "observations",
      dimensions: [{ field: "type" }],
      metrics: [{ measure: "count", aggregation: "count" }],
      timeDimension: { granularity: "day" },
    }).sql;
    expect(timed).toContain("toDate(o.start_time) AS time_dimension");
    expect(timed).toMatch(/ORDER BY time_dimension ASC WITH FILL FROM toDate\(\{f1:[^}]+\}\) TO toDate\(\{f2:[^}]+\}\) STEP INTERVAL 1 DAY, d0 ASC/);
    expect(compile({ view: "observations", dimensions: [{ field: "type" }], metrics: [{ measure: "count", aggregation: "count" }] }).sql).toContain("ORDER BY m0 DESC, d0 ASC");
    expect(compile({ view: "observations", dimensions: [{ field: "type" }] }).sql).toContain("ORDER BY d0 ASC");
    expect(compile({ view: "observations" }).sql).not.toContain("ORDER BY");
    const explicit = compile({
      view: "observations",
      metrics: [{ measure: "count", aggregation: "count" }],
      timeDimension: { granularity: "day" },
      orderBy: [{ field: "time_dimension", direction: "asc" }],
    }).sql;
    expect(explicit).toContain("ORDER BY time_dimension ASC\n");
    expect(explicit).not.toContain("WITH FILL");
  });

  it("limits v2 to 100 rows by default and v1 only when asked", () => {
    const v2 = compile({ view: "observations" });
    expect(v2.sql).toMatch(/LIMIT \{f\d+:UInt32\}/);
    expect(Object.values(v2.params)).toContain(100);
    expect(compile({ view: "observations" }, "v1").sql).not.toContain("LIMIT");
    expect(Object.values(compile({ view: "observations", config: { row_limit: 7 } }, "v1").params)).toContain(7);
  });

  it("answers an empty metric list with a `count` column and adds the dimension a by-type measure needs", () => {
    expect(compile({ view: "observations" }).columns).toEqual([{ alias: "m0", key: "count" }]);
    const byType = compile({ view: "observations", metrics: [{ measure: "costByType", aggregation: "sum" }] });
    expect(byType.columns.map((c) => c.key)).toEqual(["costType", "sum_costByType"]);
    expect(byType.sql).toContain("ARRAY JOIN mapKeys(o.cost_details) AS cost_type, mapValues(o.cost_details) AS cost_value");
  });

  it("inlines only the validated histogram bin count", () => {
    expect(compile({ view: "observations", metrics: [{ measure: "latency", aggregation: "histogram" }], config: { bins: 7 } }).sql).toContain(
      "histogram(7)(toFloat64(date_diff('millisecond', o.start_time, o.end_time)))",
    );
  });

  it("reads v2 empty-as-null columns raw, with '' and NULL alike", () => {
    const sql = (filter: object) => compile({ view: "observations", filters: [filter] }).sql.split("WHERE ")[1]!;
    expect(sql({ column: "version", type: "null", operator: "is null", value: "" })).toContain("(o.version = '' OR o.version IS NULL)");
    expect(sql({ column: "version", type: "stringOptions", operator: "none of", value: ["a"] })).toMatch(/\(o\.version NOT IN \{f\d+:Array\(String\)\} AND o\.version != ''\)/);
    expect(sql({ column: "version", type: "stringOptions", operator: "any of", value: ["a", ""] })).toMatch(/\(o\.version IN \{f\d+:Array\(String\)\} OR o\.version IS NULL\)/);
    expect(sql({ column: "version", type: "string", operator: "does not contain", value: "a" })).toMatch(/\(o\.version != '' AND position\(o\.version, \{f\d+:String\}\) = 0\)/);
    // v1 keeps plain SQL semantics on the same column.
    expect(compileMetricsQuery("p", "v1", query({ view: "observations", filters: [{ column: "version", type: "null", operator: "is null", value: "" }] })).sql).toContain(
      "o.version IS NULL",
    );
  });

  it("requires the metadata key to exist, for `does not contain` too", () => {
    const { sql } = compile({ view: "scores-numeric", filters: [{ column: "metadata", type: "stringObject", key: "k", operator: "does not contain", value: "v" }] });
    expect(sql).toMatch(/\(mapContains\(s\.metadata, \{(f\d+):String\}\) AND position\(s\.metadata\[\{\1:String\}\], \{f\d+:String\}\) = 0\)/);
    expect(sql).toContain("s.data_type IN ('NUMERIC', 'BOOLEAN')");
  });

  it.each([
    [{ view: "observations", dimensions: [{ field: "constructor" }] }, "Invalid dimension constructor."],
    [{ view: "observations", metrics: [{ measure: "__proto__", aggregation: "sum" }] }, "Invalid metric __proto__."],
    [{ view: "observations", filters: [{ column: "toString", type: "string", operator: "=", value: "x" }] }, "Invalid filter column toString."],
    [{ view: "observations", filters: [{ column: "costType", type: "string", operator: "=", value: "x" }] }, "Filtering on 'costType' is not supported"],
    [{ view: "observations", filters: [{ column: "name", type: "numberObject", key: "k", operator: "=", value: 1 }] }, "Filter type 'numberObject' is not supported"],
    [{ view: "observations", filters: [{ column: "start_time", type: "datetime", operator: ">", value: "3000-01-01T00:00:00Z" }] }, "must lie between 1900-01-01 and 2299-12-31"],
    [{ view: "scores-categorical", metrics: [{ measure: "value", aggregation: "avg" }] }, "Invalid metric value. Must be one of count"],
    [{ view: "observations", metrics: [{ measure: "count", aggregation: "count" }], orderBy: [{ field: "count", direction: "desc" }] }, "Invalid orderBy field: count."],
  ])("refuses %j", (partial, message) => {
    expect(() => compile(partial)).toThrow(MetricsQueryError);
    expect(() => compile(partial)).toThrow(message);
  });

  it("explodes tool names into one row each as dimensions, and filters on the whole list", () => {
    const grouped = compile({ view: "observations", dimensions: [{ field: "toolNames" }], metrics: [{ measure: "toolCalls", aggregation: "sum" }] }, "v1").sql;
    expect(grouped).toContain("arrayJoin(mapKeys(o.tool_definitions)) AS d0");
    expect(grouped).toContain("sum(nullIf(length(o.tool_calls), 0)) AS m0");
    const filtered = compile({ view: "observations", filters: [{ column: "calledToolNames", type: "arrayOptions", operator: "all of", value: ["a"] }] }).sql;
    expect(filtered).toMatch(/hasAll\(o\.tool_call_names, \{f\d+:Array\(String\)\}\) = True/);
    expect(filtered).not.toContain("arrayJoin");
    expect(() => compile({ view: "observations", filters: [{ column: "toolNames", type: "stringOptions", operator: "any of", value: ["a"] }] })).toThrow(
      "Filter type 'stringOptions' is not supported for dimension type 'string[]'. Expected 'arrayOptions'.",
    );
  });

  it("has experiment dimensions in v2 only, high-cardinality there, and counts app roots as roots", () => {
    expect(() => compile({ view: "observations", dimensions: [{ field: "experimentName" }] }, "v1")).toThrow("Invalid dimension experimentName.");
    expect(() => compile({ view: "observations", dimensions: [{ field: "experimentId" }], metrics: [{ measure: "count", aggregation: "count" }] })).toThrow(
      "High cardinality dimension(s) 'experimentId' require both",
    );
    expect(compile({ view: "scores-numeric", filters: [{ column: "experimentName", type: "string", operator: "=", value: "e" }] }).sql).toContain("ob.experiment_name");
    expect(compile({ view: "observations", dimensions: [{ field: "isRootObservation" }] }).sql).toContain(
      "toBool((ifNull(o.parent_observation_id, '') = '' OR o.is_app_root)) AS d0",
    );
  });

  it("enforces v2's high-cardinality rule on the query as sent, and not in v1", () => {
    const topN = { view: "observations", dimensions: [{ field: "userId" }], metrics: [{ measure: "totalCost", aggregation: "sum" }] };
    expect(() => compile(topN)).toThrow("High cardinality dimension(s) 'userId' require both 'config.row_limit' and 'orderBy'");
    expect(() =>
      compile({
        ...topN,
        orderBy: [
          { field: "userId", direction: "desc" },
          { field: "x", direction: "desc" },
        ],
        config: { row_limit: 3 },
      }),
    ).toThrow("'userId, x' are not a measure in this query.");
    expect(() => compile({ ...topN, orderBy: [{ field: "sum_totalCost", direction: "desc" }], config: { row_limit: 3 } })).not.toThrow();
    expect(() => compile(topN, "v1")).not.toThrow();
  });
});

describe("auto granularity", () => {
  const hours = (h: number) => resolveGranularity("auto", 0, h * 3_600_000);
  it.each([
    [1.99, "minute"],
    [2, "hour"],
    [71.9, "hour"],
    [72, "day"],
    [1439, "day"],
    [1440, "week"],
    [8759, "week"],
    [8760, "month"],
  ])("%s hours → %s", (h, granularity) => expect(hours(h)).toBe(granularity));
});
