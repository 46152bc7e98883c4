import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluationRules, newCuid } from "@wick/postgres";
import { EncryptionKey } from "@wick/secrets";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectUnstableError, unstableCalls } from "./support/unstable-calls.ts";

const LIST = { method: "GET", path: "/api/public/unstable/evaluation-rules" };
const CREATE = { method: "POST", path: "/api/public/unstable/evaluation-rules" };
const GET = { method: "GET", path: "/api/public/unstable/evaluation-rules/{evaluationRuleId}" };
const UPDATE = { method: "PATCH", path: "/api/public/unstable/evaluation-rules/{evaluationRuleId}" };
const DELETE = { method: "DELETE", path: "/api/public/unstable/evaluation-rules/{evaluationRuleId}" };
const EVALUATOR_GET = { method: "GET", path: "/api/public/unstable/evaluators/{evaluatorId}" };

type Body = Record<string, unknown>;

const OUTPUT = { dataType: "BOOLEAN", reasoning: { description: "Why" }, score: { description: "Helpful?" } };
const FULL_MAPPING = [
  { variable: "input", source: "input" },
  { variable: "output", source: "output" },
];

describe.each(postgresModes())("unstable evaluation rules API (%s Postgres)", (mode) => {
  let t: TestApp;
  let project: TestProject;
  let other: TestProject;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${++counter}-${randomBytes(3).toString("hex")}`;

  const { call, ok } = unstableCalls(
    () => t,
    () => project,
  );

  const failure = expectUnstableError;

  const connect = (provider: string, owner?: TestProject) =>
    call("PUT", "/llm-connections", { prefix: "/api/public", project: owner, body: { provider, adapter: "openai", secretKey: "sk-test-1234567890" } });

  /** An LLM evaluator on the project's `openai` connection, judging `{{input}}` and `{{output}}`. */
  const judge = async (extra: Body = {}, owner?: TestProject) => {
    const response = await call("POST", "/evaluators", {
      project: owner,
      body: {
        name: unique("judge"),
        prompt: "Is {{output}} a good answer to {{input}}?",
        outputDefinition: OUTPUT,
        modelConfig: { provider: "openai", model: "gpt-4.1-mini" },
        ...extra,
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  const codeEvaluator = async () => {
    const response = await call("POST", "/evaluators", { body: { type: "code", name: unique("code"), sourceCode: "export default () => 1", sourceCodeLanguage: "TYPESCRIPT" } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  const rule = (evaluatorName: string, extra: Body = {}): Body => ({
    name: unique("rule"),
    target: "observation",
    enabled: true,
    evaluators: [{ evaluator: { name: evaluatorName, type: "llm_as_judge" }, mapping: FULL_MAPPING }],
    ...extra,
  });

  beforeAll(async () => {
    t = await createTestApp(mode, { encryptionKey: EncryptionKey.fromHex(randomBytes(32).toString("hex")), codeEvalDispatcher: "insecure-local" });
    project = await t.createProject();
    other = await t.createProject();
    expect((await connect("openai")).statusCode).toBe(201);
    expect((await connect("openai", other)).statusCode).toBe(201);
  });
  afterAll(async () => t?.close());

  it("creates a rule with the deprecated evaluator form, reads, lists, renames and deletes it", async () => {
    const evaluator = await judge();
    const name = unique("helpfulness-prod");
    const created = await ok(CREATE, "POST", "/evaluation-rules", {
      name,
      target: "observation",
      enabled: true,
      evaluator: { name: evaluator.name },
      mapping: [
        { variable: "output", source: "output" },
        { variable: "input", source: "metadata", jsonPath: "$.q" },
      ],
      filter: [{ type: "stringOptions", column: "type", operator: "any of", value: ["GENERATION"] }],
    });
    const reference = { id: evaluator.id, name: evaluator.name, type: "llm_as_judge" };
    expect(created).toEqual({
      id: expect.stringMatching(/^c[0-9a-z]{24}$/),
      name,
      evaluator: reference,
      evaluators: [
        {
          evaluator: reference,
          mapping: [
            { variable: "output", source: "output" },
            { variable: "input", source: "metadata", jsonPath: "$.q" },
          ],
        },
      ],
      enabled: true,
      status: "active",
      pausedReason: null,
      pausedMessage: null,
      sampling: 1,
      target: "observation",
      filter: [{ type: "stringOptions", column: "type", operator: "any of", value: ["GENERATION"] }],
      mapping: [
        { variable: "output", source: "output" },
        { variable: "input", source: "metadata", jsonPath: "$.q" },
      ],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await ok(GET, "GET", `/evaluation-rules/${created.id}`)).toEqual(created);
    expect((await ok(EVALUATOR_GET, "GET", `/evaluators/${evaluator.id}`)).evaluationRuleCount).toBe(1);
    const listed = await ok(LIST, "GET", "/evaluation-rules?limit=100");
    expect(listed.data[0].id).toBe(created.id);
    const renamed = await ok(UPDATE, "PATCH", `/evaluation-rules/${created.id}`, { name: `${name}-v2`, sampling: 0.25 });
    expect(renamed).toMatchObject({ name: `${name}-v2`, sampling: 0.25, status: "active", evaluators: created.evaluators });
    expect(await ok(DELETE, "DELETE", `/evaluation-rules/${created.id}`)).toEqual({ message: "Evaluation rule successfully deleted" });
    await failure(await call("GET", `/evaluation-rules/${created.id}`), 404, "resource_not_found", "Evaluation rule not found within authorized project");
    await failure(await call("DELETE", `/evaluation-rules/${created.id}`), 404, "resource_not_found");
  });

  it("inherits an evaluator's default mapping, and gives code evaluators their fixed one", async () => {
    const withDefault = await judge({ mapping: FULL_MAPPING });
    const code = await codeEvaluator();
    const created = await ok(CREATE, "POST", "/evaluation-rules", {
      name: unique("multi"),
      target: "experiment",
      enabled: false,
      sampling: 0.5,
      evaluators: [{ evaluator: { name: withDefault.name } }, { evaluator: { name: code.name, type: "code" } }],
    });
    expect(created.status).toBe("inactive");
    expect(created.evaluators).toEqual([
      { evaluator: { id: withDefault.id, name: withDefault.name, type: "llm_as_judge" }, mapping: null },
      { evaluator: { id: code.id, name: code.name, type: "code" }, mapping: null },
    ]);
    expect(created.mapping).toEqual(FULL_MAPPING);
    const codeFirst = await ok(CREATE, "POST", "/evaluation-rules", {
      name: unique("code-rule"),
      target: "observation",
      enabled: true,
      evaluator: { name: code.name, type: "code" },
    });
    expect(codeFirst.mapping).toEqual([
      { variable: "input", source: "input" },
      { variable: "output", source: "output" },
      { variable: "metadata", source: "metadata" },
      { variable: "toolCalls", source: "tool_calls" },
    ]);
    const body = await failure(
      await call("POST", "/evaluation-rules", {
        body: { name: unique("r"), target: "observation", enabled: true, evaluators: [{ evaluator: { name: code.name, type: "code" }, mapping: FULL_MAPPING }] },
      }),
      400,
      "invalid_body",
    );
    expect(body.details).toEqual({ field: "evaluators[0].mapping" });
    await failure(await call("PATCH", `/evaluation-rules/${codeFirst.id}`, { body: { target: "observation", mapping: FULL_MAPPING } }), 400, "invalid_body");
  });

  it("checks mappings against the evaluator's variables and the target's sources", async () => {
    const evaluator = await judge();
    const post = (mapping: unknown, target = "observation") =>
      call("POST", "/evaluation-rules", { body: rule(evaluator.name, { target, evaluators: [{ evaluator: { name: evaluator.name }, mapping }] }) });
    let body = await failure(await post([{ variable: "output", source: "output" }]), 400, "missing_variable_mapping", "Missing mappings for evaluator variables: input");
    expect(body.details).toEqual({ field: "evaluators[0].mapping", variables: ["input"] });
    body = await failure(await post([...FULL_MAPPING, { variable: "output", source: "metadata" }]), 400, "duplicate_variable_mapping");
    expect(body.details).toEqual({ field: "evaluators[0].mapping[2].variable", variable: "output" });
    body = await failure(await post([...FULL_MAPPING, { variable: "context", source: "metadata" }]), 400, "invalid_variable_mapping");
    expect(body.details).toMatchObject({ field: "evaluators[0].mapping[2].variable", variable: "context", allowedValues: ["output", "input"] });
    body = await failure(await post([{ variable: "input", source: "expected_output" }, FULL_MAPPING[1]]), 400, "invalid_variable_mapping");
    expect(body.details).toMatchObject({ field: "evaluators[0].mapping[0].source", value: "expected_output" });
    await ok(
      CREATE,
      "POST",
      "/evaluation-rules",
      rule(evaluator.name, {
        target: "experiment",
        evaluators: [{ evaluator: { name: evaluator.name }, mapping: [{ variable: "input", source: "expected_output" }, FULL_MAPPING[1]] }],
      }),
    );
    body = await failure(await post([{ variable: "input", source: "input", jsonPath: "$.a[?(@.b" }, FULL_MAPPING[1]]), 400, "invalid_json_path");
    expect(body.details).toEqual({ field: "evaluators[0].mapping[0].jsonPath", value: "$.a[?(@.b" });
    body = await failure(
      await call("POST", "/evaluation-rules", { body: { name: unique("r"), target: "observation", enabled: false, evaluator: { name: evaluator.name } } }),
      400,
      "missing_variable_mapping",
    );
    expect(body.details).toEqual({ field: "mapping", variables: ["output", "input"] });
  });

  it("checks filters: columns per target, their types and fixed values, dataset ids of the project", async () => {
    const evaluator = await judge();
    const post = (filter: unknown[], target = "observation") => call("POST", "/evaluation-rules", { body: rule(evaluator.name, { target, filter }) });
    let body = await failure(await post([{ type: "string", column: "nope", operator: "=", value: "x" }]), 400, "invalid_filter_value");
    expect(body.details).toMatchObject({ field: "filter[0].column", column: "nope" });
    expect(body.details.invalidValues).toBeUndefined();
    body = await failure(await post([{ type: "string", column: "level", operator: "=", value: "ERROR" }]), 400, "invalid_filter_value");
    expect(body.details).toMatchObject({ field: "filter[0].type", column: "level", allowedValues: ["stringOptions"] });
    body = await failure(await post([{ type: "stringOptions", column: "level", operator: "any of", value: ["ERROR", "FATAL"] }]), 400, "invalid_filter_value");
    expect(body.details).toEqual({ field: "filter[0].value", column: "level", invalidValues: ["FATAL"], allowedValues: ["DEBUG", "DEFAULT", "WARNING", "ERROR"] });
    body = await failure(await post([{ type: "stringOptions", column: "type", operator: "none of", value: ["TRACE"] }]), 400, "invalid_filter_value");
    expect(body.details.invalidValues).toEqual(["TRACE"]);
    await failure(await post([{ type: "stringOptions", column: "datasetId", operator: "any of", value: ["d"] }]), 400, "invalid_filter_value");
    body = await failure(await post([{ type: "stringOptions", column: "datasetId", operator: "any of", value: ["missing"] }], "experiment"), 400, "invalid_filter_value");
    expect(body.details).toMatchObject({ column: "datasetId", invalidValues: ["missing"] });
    const dataset = await call("POST", "/v2/datasets", { prefix: "/api/public", body: { name: unique("dataset") } });
    expect(dataset.statusCode, dataset.body).toBe(200);
    const otherDataset = await call("POST", "/v2/datasets", { prefix: "/api/public", project: other, body: { name: unique("dataset") } });
    await failure(await post([{ type: "stringOptions", column: "datasetId", operator: "any of", value: [otherDataset.json().id] }], "experiment"), 400, "invalid_filter_value");
    const filter = [
      { type: "stringOptions", column: "datasetId", operator: "any of", value: [dataset.json().id] },
      { type: "stringObject", column: "metadata", key: "tier", operator: "=", value: "gold" },
      { type: "boolean", column: "isRootObservation", operator: "=", value: true },
      { type: "null", column: "parentObservationId", operator: "is null", value: "" },
      { type: "number", column: "toolCalls", operator: ">=", value: 1 },
      { type: "arrayOptions", column: "tags", operator: "all of", value: ["a", "b"] },
      { type: "string", column: "userId", operator: "starts with", value: "u-" },
    ];
    const created = await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name, { target: "experiment", filter }));
    expect(created.filter).toEqual(filter);
  });

  it("refuses malformed bodies and queries, naming the field", async () => {
    const evaluator = await judge();
    const reference = { name: evaluator.name };
    const cases: [Body, string][] = [
      [{ ...rule(evaluator.name), evaluator: reference }, "evaluators"],
      [{ name: "r", target: "observation", enabled: true }, "evaluators"],
      [{ ...rule(evaluator.name), mapping: FULL_MAPPING }, "mapping"],
      [rule(evaluator.name, { sampling: 0 }), "sampling"],
      [rule(evaluator.name, { sampling: 1.5 }), "sampling"],
      [rule(evaluator.name, { evaluators: [] }), "evaluators"],
      [rule(evaluator.name, { evaluators: Array.from({ length: 101 }, () => ({ evaluator: reference })) }), "evaluators"],
      [rule(evaluator.name, { target: "trace" }), "target"],
      [rule(evaluator.name, { delay: 10 }), ""],
      [rule(evaluator.name, { enabled: undefined }), "enabled"],
      [rule(evaluator.name, { name: "" }), "name"],
      [rule(evaluator.name, { filter: [{ type: "stringOptions", column: "type", operator: "contains", value: ["SPAN"] }] }), "filter"],
      [rule(evaluator.name, { evaluators: [{ evaluator: { name: evaluator.name }, mapping: [{ variable: "input", source: "trace" }] }] }), "evaluators"],
    ];
    for (const [body, field] of cases) {
      const error = await failure(await call("POST", "/evaluation-rules", { body }), 400, "invalid_body", "Invalid request body");
      expect(error.details.issues[0].path[0] ?? "", JSON.stringify(body).slice(0, 120)).toBe(field);
    }
    const created = await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name));
    const patches: [Body, string][] = [
      [{}, ""],
      [{ filter: [] }, "filter"],
      [{ mapping: FULL_MAPPING }, "mapping"],
      [{ evaluators: [{ evaluator: reference }], evaluator: reference }, "evaluators"],
      [{ evaluator: { name: evaluator.name, type: "code" } }, "evaluator"],
      [{ sampling: null }, "sampling"],
    ];
    for (const [body, field] of patches) {
      const error = await failure(await call("PATCH", `/evaluation-rules/${created.id}`, { body }), 400, "invalid_body");
      expect(error.details.issues[0].path[0] ?? "").toBe(field);
    }
    await failure(await call("GET", "/evaluation-rules?page=0"), 400, "invalid_query", "Invalid query parameters");
  });

  it("answers 409 name_conflict for a taken name, 409 conflict for an evaluator named twice, 404 for an unknown evaluator", async () => {
    const evaluator = await judge();
    const first = await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name));
    const body = await failure(await call("POST", "/evaluation-rules", { body: rule(evaluator.name, { name: first.name }) }), 409, "name_conflict");
    expect(body.message).toContain(`PATCH /api/public/unstable/evaluation-rules/${first.id}`);
    expect(body.details).toEqual({ field: "name" });
    const second = await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name));
    await failure(await call("PATCH", `/evaluation-rules/${second.id}`, { body: { name: first.name } }), 409, "name_conflict");
    const twice = { evaluator: { name: evaluator.name }, mapping: FULL_MAPPING };
    await failure(await call("POST", "/evaluation-rules", { body: rule(evaluator.name, { evaluators: [twice, twice] }) }), 409, "conflict");
    await failure(
      await call("POST", "/evaluation-rules", { body: rule("nope", { evaluators: [{ evaluator: { name: "nope" }, mapping: FULL_MAPPING }] }) }),
      404,
      "resource_not_found",
      "Latest evaluator version not found within authorized project",
    );
    await failure(
      await call("POST", "/evaluation-rules", { body: rule(evaluator.name, { evaluators: [{ evaluator: { name: evaluator.name, type: "code" } }] }) }),
      404,
      "resource_not_found",
    );
  });

  it("preflights evaluators when a rule is switched on, and pauses the rule when its connection goes", async () => {
    const provider = unique("provider");
    const evaluator = await judge({ modelConfig: { provider, model: "judge-1" } });
    let body = await failure(await call("POST", "/evaluation-rules", { body: rule(evaluator.name) }), 422, "evaluator_preflight_failed");
    expect(body.details).toEqual({ evaluatorName: evaluator.name, provider, model: "judge-1" });
    const defaultModel = await judge({ modelConfig: null });
    body = await failure(await call("POST", "/evaluation-rules", { body: rule(defaultModel.name) }), 422, "evaluator_preflight_failed");
    expect(body.details).toEqual({ evaluatorName: defaultModel.name });
    const disabled = await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name, { enabled: false }));
    expect(disabled).toMatchObject({ enabled: false, status: "inactive", pausedReason: null });
    await failure(await call("PATCH", `/evaluation-rules/${disabled.id}`, { body: { enabled: true } }), 422, "evaluator_preflight_failed");
    const connection = await connect(provider);
    const enabled = await ok(UPDATE, "PATCH", `/evaluation-rules/${disabled.id}`, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, status: "active" });
    expect((await call("DELETE", `/llm-connections/${connection.json().id}`, { prefix: "/api/public" })).statusCode).toBe(200);
    const paused = await ok(GET, "GET", `/evaluation-rules/${disabled.id}`);
    expect(paused).toMatchObject({ enabled: true, status: "paused", pausedReason: "LLM_CONNECTION_MISSING", pausedMessage: expect.stringContaining(provider) });
    const off = await ok(UPDATE, "PATCH", `/evaluation-rules/${disabled.id}`, { enabled: false });
    expect(off).toMatchObject({ status: "inactive", pausedReason: null, pausedMessage: null });
  });

  it("caps a project at 500 active rules", async () => {
    const crowded = await t.createProject();
    expect((await connect("openai", crowded)).statusCode).toBe(201);
    const evaluator = await judge({}, crowded);
    const disabled = await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name, { enabled: false }), crowded);
    await t.stores.postgres.db
      .insert(evaluationRules)
      .values(
        Array.from({ length: 500 }, (_, index) => ({ id: newCuid(), projectId: crowded.id, name: `bulk-${index}`, status: "ACTIVE" as const, targetObject: "event", filter: [] })),
      );
    const body = await failure(await call("POST", "/evaluation-rules", { project: crowded, body: rule(evaluator.name) }), 409, "conflict");
    expect(body.details).toEqual({ limit: 500 });
    await failure(await call("PATCH", `/evaluation-rules/${disabled.id}`, { project: crowded, body: { enabled: true } }), 409, "conflict");
    await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name, { enabled: false }), crowded);
  });

  it("edits assignments: evaluators replace all, the deprecated evaluator and mapping edit the first, a target change rechecks mappings", async () => {
    const a = await judge();
    const b = await judge({ prompt: "Rate {{output}}" });
    const created = await ok(CREATE, "POST", "/evaluation-rules", rule(a.name));
    const replaced = await ok(UPDATE, "PATCH", `/evaluation-rules/${created.id}`, {
      evaluators: [
        { evaluator: { name: b.name }, mapping: [{ variable: "output", source: "output" }] },
        { evaluator: { name: a.name }, mapping: FULL_MAPPING },
      ],
    });
    expect(replaced.evaluators.map((assignment: { evaluator: { id: string } }) => assignment.evaluator.id)).toEqual([b.id, a.id]);
    expect(replaced.mapping).toEqual([{ variable: "output", source: "output" }]);
    await failure(await call("PATCH", `/evaluation-rules/${created.id}`, { body: { evaluator: { name: a.name } } }), 409, "conflict");
    await ok(UPDATE, "PATCH", `/evaluation-rules/${created.id}`, { evaluators: [{ evaluator: { name: b.name }, mapping: [{ variable: "output", source: "output" }] }] });
    const swapped = await ok(UPDATE, "PATCH", `/evaluation-rules/${created.id}`, { evaluator: { name: a.name }, target: "observation", mapping: FULL_MAPPING });
    expect(swapped.evaluators).toHaveLength(1);
    expect(swapped.evaluator.id).toBe(a.id);
    const experiment = await ok(UPDATE, "PATCH", `/evaluation-rules/${created.id}`, {
      target: "experiment",
      mapping: [{ variable: "input", source: "experiment_item_metadata" }, FULL_MAPPING[1]],
    });
    expect(experiment.target).toBe("experiment");
    const body = await failure(await call("PATCH", `/evaluation-rules/${created.id}`, { body: { target: "observation" } }), 400, "invalid_variable_mapping");
    expect(body.details.field).toBe("evaluators[0].mapping[0].source");
  });

  it("keeps rules mapped across evaluator versions and disables rules whose last evaluator is deleted", async () => {
    const evaluator = await judge();
    const created = await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name));
    const body = await failure(
      await call("POST", "/evaluators", { body: { name: evaluator.name, prompt: "Now {{context}} too: {{input}} {{output}}", outputDefinition: OUTPUT } }),
      400,
      "invalid_request",
      "Missing mappings for evaluator variables: context",
    );
    expect(body.details).toEqual({ field: "prompt", variables: ["context"] });
    const next = await call("POST", "/evaluators", {
      body: { name: evaluator.name, prompt: "Just {{output}}", outputDefinition: OUTPUT, modelConfig: { provider: "openai", model: "gpt-4.1" } },
    });
    expect(next.json().version).toBe(2);
    expect((await ok(DELETE, "DELETE", `/evaluators/${evaluator.id}`, undefined)).message).toBe("Evaluator successfully deleted");
    expect(await ok(GET, "GET", `/evaluation-rules/${created.id}`)).toMatchObject({ evaluator: null, evaluators: [], enabled: false, status: "inactive", mapping: [] });
  });

  it("refuses to switch on a code evaluator's rule with 403 where code evals are off", async () => {
    const code = await codeEvaluator();
    const off = await createTestApp(mode, { stores: t.stores });
    try {
      const post = (enabled: boolean) =>
        off.app.inject({
          method: "POST",
          url: "/api/public/unstable/evaluation-rules",
          headers: { authorization: project.basic },
          payload: { name: unique("code-off"), target: "observation", enabled, evaluator: { name: code.name, type: "code" } },
        });
      await failure(await post(true), 403, "access_denied", "Code evals are not enabled");
      expect((await post(false)).statusCode).toBe(200);
    } finally {
      await off.close();
    }
  });

  it("answers 405 for a method the routes lack and 401 without credentials", async () => {
    await failure(await call("PUT", "/evaluation-rules", { body: {} }), 405, "method_not_allowed");
    await failure(await t.app.inject({ method: "GET", url: "/api/public/unstable/evaluation-rules" }), 401, "authentication_failed");
  });

  it("answers 404 for another project's rules and evaluators", async () => {
    const evaluator = await judge();
    const mine = await ok(CREATE, "POST", "/evaluation-rules", rule(evaluator.name));
    await failure(await call("GET", `/evaluation-rules/${mine.id}`, { project: other }), 404, "resource_not_found");
    await failure(await call("PATCH", `/evaluation-rules/${mine.id}`, { project: other, body: { name: "x" } }), 404, "resource_not_found");
    await failure(await call("DELETE", `/evaluation-rules/${mine.id}`, { project: other }), 404, "resource_not_found");
    await failure(await call("POST", "/evaluation-rules", { project: other, body: rule(evaluator.name) }), 404, "resource_not_found");
    const listed = await ok(LIST, "GET", "/evaluation-rules?limit=100", undefined, other);
    expect(listed.data.map((item: { id: string }) => item.id)).not.toContain(mine.id);
  });
});
