import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluators } from "@wick/postgres";
import { EncryptionKey } from "@wick/secrets";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectUnstableError, unstableCalls } from "./support/unstable-calls.ts";

const LIST = { method: "GET", path: "/api/public/unstable/evaluators" };
const CREATE = { method: "POST", path: "/api/public/unstable/evaluators" };
const GET = { method: "GET", path: "/api/public/unstable/evaluators/{evaluatorId}" };
const DELETE = { method: "DELETE", path: "/api/public/unstable/evaluators/{evaluatorId}" };

const OUTPUT = { dataType: "NUMERIC", reasoning: { description: "Why" }, score: { description: "How helpful, 0 to 1", minValue: 0, maxValue: 1 } };
const PROMPT = "Judge {{output}} against {{input}}; again {{output}}, not {{ spaced }} nor {{1bad}}";

describe.each(postgresModes())("unstable evaluators API (%s Postgres)", (mode) => {
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

  const connect = (provider: string, extra: Record<string, unknown> = {}) =>
    call("PUT", "/llm-connections", { prefix: "/api/public", body: { provider, adapter: "openai", secretKey: "sk-test-1234567890", ...extra } });

  const llm = (name: string, extra: Record<string, unknown> = {}) => ({ name, prompt: PROMPT, outputDefinition: OUTPUT, ...extra });

  beforeAll(async () => {
    t = await createTestApp(mode, { encryptionKey: EncryptionKey.fromHex(randomBytes(32).toString("hex")), codeEvalDispatcher: "insecure-local" });
    project = await t.createProject();
    other = await t.createProject();
    expect((await connect("openai")).statusCode).toBe(201);
  });
  afterAll(async () => t?.close());

  it("creates an LLM evaluator (type defaulting), extracts its variables, reads, lists and deletes it", async () => {
    const name = unique("helpfulness");
    const created = await ok(CREATE, "POST", "/evaluators", llm(name, { modelConfig: { provider: "openai", model: "gpt-4.1-mini" } }));
    expect(created).toEqual({
      id: expect.stringMatching(/^c[0-9a-z]{24}$/),
      type: "llm_as_judge",
      name,
      version: 1,
      variables: ["output", "input"],
      mapping: null,
      evaluationRuleCount: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      prompt: PROMPT,
      outputDefinition: OUTPUT,
      modelConfig: { provider: "openai", model: "gpt-4.1-mini" },
    });
    expect(await ok(GET, "GET", `/evaluators/${created.id}`)).toEqual(created);
    const listed = await ok(LIST, "GET", "/evaluators?limit=100");
    expect(listed.data.map((evaluator: { id: string }) => evaluator.id)).toContain(created.id);
    expect(listed.meta).toMatchObject({ page: 1, limit: 100 });
    expect(await ok(DELETE, "DELETE", `/evaluators/${created.id}`)).toEqual({ message: "Evaluator successfully deleted" });
    await failure(await call("GET", `/evaluators/${created.id}`), 404, "resource_not_found", "Evaluator not found");
    await failure(await call("DELETE", `/evaluators/${created.id}`), 404, "resource_not_found", "Evaluator not found");
  });

  it("appends a version on every POST of a taken name, keeping the id, newest first in the list", async () => {
    const name = unique("versioned");
    const first = await ok(CREATE, "POST", "/evaluators", llm(name));
    const second = await ok(CREATE, "POST", "/evaluators", llm(name));
    const third = await ok(CREATE, "POST", "/evaluators", {
      type: "llm_as_judge",
      name,
      prompt: "Only {{output}}",
      outputDefinition: { dataType: "BOOLEAN", reasoning: { description: "r" }, score: { description: "s" } },
    });
    expect([first.version, second.version, third.version]).toEqual([1, 2, 3]);
    expect(new Set([first.id, second.id, third.id]).size).toBe(1);
    expect(third.variables).toEqual(["output"]);
    expect((await ok(GET, "GET", `/evaluators/${first.id}`)).version).toBe(3);
    const page = await ok(LIST, "GET", "/evaluators?page=1&limit=1");
    expect(page.data).toHaveLength(1);
    expect(page.data[0].id).toBe(first.id);
    expect(page.meta.totalPages).toBe(page.meta.totalItems);
  });

  it("stores categorical definitions and trims descriptions", async () => {
    const created = await ok(CREATE, "POST", "/evaluators", {
      name: unique("tone"),
      prompt: "Tone of {{output}}",
      outputDefinition: {
        dataType: "CATEGORICAL",
        reasoning: { description: "  why  " },
        score: { description: "tone", categories: ["calm", "angry"], shouldAllowMultipleMatches: false },
      },
    });
    expect(created.outputDefinition).toEqual({
      dataType: "CATEGORICAL",
      reasoning: { description: "why" },
      score: { description: "tone", categories: ["calm", "angry"], shouldAllowMultipleMatches: false },
    });
  });

  it("creates code evaluators with the fixed variables when the dispatcher runs the language", async () => {
    const name = unique("exact-match");
    const created = await ok(CREATE, "POST", "/evaluators", { type: "code", name, sourceCode: "export default () => 1", sourceCodeLanguage: "TYPESCRIPT" });
    expect(created).toEqual({
      id: expect.any(String),
      type: "code",
      name,
      version: 1,
      variables: ["input", "output", "metadata", "toolCalls", "experimentItemExpectedOutput", "experimentItemMetadata"],
      mapping: null,
      evaluationRuleCount: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      sourceCode: "export default () => 1",
      sourceCodeLanguage: "TYPESCRIPT",
    });
    const body = await failure(
      await call("POST", "/evaluators", { body: { type: "code", name: unique("py"), sourceCode: "x = 1", sourceCodeLanguage: "PYTHON" } }),
      400,
      "invalid_request",
    );
    expect(body.details).toMatchObject({ field: "sourceCodeLanguage", allowedValues: ["TYPESCRIPT"] });
    await failure(await call("POST", "/evaluators", { body: llm(name) }), 409, "name_conflict");
    const conflict = await failure(await call("POST", "/evaluators", { body: llm(name) }), 409, "name_conflict");
    expect(conflict.details).toEqual({ field: "name" });
  });

  it("refuses code evaluators with 403 where code evals are off", async () => {
    const off = await createTestApp(mode, { stores: t.stores });
    try {
      const response = await off.app.inject({
        method: "POST",
        url: "/api/public/unstable/evaluators",
        headers: { authorization: off.project.basic },
        payload: { type: "code", name: "c", sourceCode: "export default () => 1", sourceCodeLanguage: "TYPESCRIPT" },
      });
      await failure(response, 403, "access_denied", "Code evals are not enabled");
    } finally {
      await off.close();
    }
  });

  it("checks a default mapping: variables, sources, duplicates, JSONPath and completeness", async () => {
    const post = (mapping: unknown) => call("POST", "/evaluators", { body: llm(unique("mapped"), { mapping }) });
    const good = await ok(
      CREATE,
      "POST",
      "/evaluators",
      llm(unique("mapped"), {
        mapping: [
          { variable: "output", source: "output" },
          { variable: "input", source: "metadata", jsonPath: "$.question[0]['text']" },
        ],
      }),
    );
    expect(good.mapping).toEqual([
      { variable: "output", source: "output" },
      { variable: "input", source: "metadata", jsonPath: "$.question[0]['text']" },
    ]);
    let body = await failure(await post([{ variable: "output", source: "output" }]), 400, "missing_variable_mapping", "Missing mappings for evaluator variables: input");
    expect(body.details).toEqual({ field: "mapping", variables: ["input"] });
    body = await failure(await post([{ variable: "nope", source: "output" }]), 400, "invalid_variable_mapping");
    expect(body.details).toMatchObject({ field: "mapping[0].variable", variable: "nope" });
    body = await failure(await post([{ variable: "output", source: "expected_output" }]), 400, "invalid_variable_mapping");
    expect(body.details).toMatchObject({ field: "mapping[0].source", allowedValues: ["input", "output", "metadata", "tool_calls"] });
    body = await failure(
      await post([
        { variable: "output", source: "output" },
        { variable: "output", source: "input" },
      ]),
      400,
      "duplicate_variable_mapping",
    );
    expect(body.details).toEqual({ field: "mapping[1].variable", variable: "output" });
    for (const jsonPath of ["question", "$.a[0", "$.a'b", "$..", "$.a)b(", "$[abc]"]) {
      body = await failure(
        await post([
          { variable: "output", source: "output", jsonPath },
          { variable: "input", source: "input" },
        ]),
        400,
        "invalid_json_path",
      );
      expect(body.details).toEqual({ field: "mapping[0].jsonPath", value: jsonPath });
    }
  });

  it("refuses malformed bodies and queries with the field named", async () => {
    const cases: unknown[] = [
      {},
      llm("x", { prompt: "" }),
      llm(""),
      llm("x", { outputDefinition: { ...OUTPUT, version: 2 } }),
      llm("x", { outputDefinition: { dataType: "NUMERIC", reasoning: { description: "  " }, score: { description: "s" } } }),
      llm("x", { outputDefinition: { dataType: "NUMERIC", reasoning: { description: "r" }, score: { description: "s", minValue: 2, maxValue: 1 } } }),
      llm("x", {
        outputDefinition: { dataType: "CATEGORICAL", reasoning: { description: "r" }, score: { description: "s", categories: ["one"], shouldAllowMultipleMatches: true } },
      }),
      llm("x", { sourceCode: "x" }),
      llm("x", { modelConfig: { provider: "openai" } }),
      llm("x", { type: "rule" }),
      { type: "code", name: "x", sourceCode: "x", sourceCodeLanguage: "TYPESCRIPT", prompt: "p" },
      { type: "code", name: "x", sourceCode: "x".repeat(262_145), sourceCodeLanguage: "TYPESCRIPT" },
      { type: "code", name: "x", sourceCode: "x", sourceCodeLanguage: "RUST" },
    ];
    for (const body of cases) {
      const error = await failure(await call("POST", "/evaluators", { body }), 400, "invalid_body", "Invalid request body");
      expect(error.details.issues.length, JSON.stringify(body).slice(0, 200)).toBeGreaterThan(0);
    }
    const minMax = await failure(
      await call("POST", "/evaluators", {
        body: llm("x", { outputDefinition: { dataType: "NUMERIC", reasoning: { description: "r" }, score: { description: "s", minValue: 2, maxValue: 1 } } }),
      }),
      400,
      "invalid_body",
    );
    expect(minMax.details.issues[0].path).toEqual(["outputDefinition", "score", "minValue"]);
    const query = await failure(await call("GET", "/evaluators?limit=101"), 400, "invalid_query", "Invalid query parameters");
    expect(query.details.issues[0].path).toEqual(["limit"]);
    await failure(await call("GET", "/evaluators?unknown=1"), 400, "invalid_query");
  });

  it("saves an evaluator whose model cannot be resolved, blocked, and unblocks it on a resolvable version", async () => {
    const name = unique("blocked");
    const saved = await ok(CREATE, "POST", "/evaluators", llm(name, { modelConfig: { provider: "nowhere", model: "m" } }));
    const defaultModel = await ok(CREATE, "POST", "/evaluators", llm(unique("default-model")));
    expect(defaultModel.modelConfig).toBeNull();
    const blocked = await blockOf(saved.id);
    expect(blocked).toMatchObject({ blockReason: "LLM_CONNECTION_MISSING" });
    expect((await blockOf(defaultModel.id)).blockReason).toBe("DEFAULT_EVAL_MODEL_MISSING");
    await ok(CREATE, "POST", "/evaluators", llm(name, { modelConfig: { provider: "openai", model: "gpt-4.1" } }));
    expect((await blockOf(saved.id)).blockReason).toBeNull();
  });

  it("blocks the evaluators of a provider when its LLM connection is deleted", async () => {
    const provider = unique("provider");
    const connection = await connect(provider, { withDefaultModels: false, customModels: ["judge-1"] });
    const evaluator = await ok(CREATE, "POST", "/evaluators", llm(unique("on-provider"), { modelConfig: { provider, model: "judge-1" } }));
    const unavailable = await ok(CREATE, "POST", "/evaluators", llm(unique("wrong-model"), { modelConfig: { provider, model: "judge-2" } }));
    expect((await blockOf(evaluator.id)).blockReason).toBeNull();
    expect((await blockOf(unavailable.id)).blockReason).toBe("EVAL_MODEL_UNAVAILABLE");
    expect((await call("DELETE", `/llm-connections/${connection.json().id}`, { prefix: "/api/public" })).statusCode).toBe(200);
    expect(await blockOf(evaluator.id)).toMatchObject({ blockReason: "LLM_CONNECTION_MISSING", blockMessage: expect.stringContaining(provider) });
  });

  it("answers 404 for another project's evaluator and keeps names per project", async () => {
    const name = unique("shared-name");
    const mine = await ok(CREATE, "POST", "/evaluators", llm(name));
    const theirs = await ok(CREATE, "POST", "/evaluators", { type: "code", name, sourceCode: "export default () => 0", sourceCodeLanguage: "TYPESCRIPT" }, other);
    expect(theirs.id).not.toBe(mine.id);
    await failure(await call("GET", `/evaluators/${mine.id}`, { project: other }), 404, "resource_not_found");
    await failure(await call("DELETE", `/evaluators/${mine.id}`, { project: other }), 404, "resource_not_found");
    const listed = await ok(LIST, "GET", "/evaluators?limit=100", undefined, other);
    expect(listed.data.map((evaluator: { id: string }) => evaluator.id)).not.toContain(mine.id);
  });

  it("answers 405 for a method the route lacks and 401 without credentials", async () => {
    await failure(await call("PATCH", "/evaluators/x", { body: {} }), 405, "method_not_allowed");
    const response = await t.app.inject({ method: "GET", url: "/api/public/unstable/evaluators" });
    await failure(response, 401, "authentication_failed");
  });

  async function blockOf(id: string) {
    const rows = await t.stores.postgres.db.select({ id: evaluators.id, blockReason: evaluators.blockReason, blockMessage: evaluators.blockMessage }).from(evaluators);
    return rows.find((row) => row.id === id)!;
  }
});
