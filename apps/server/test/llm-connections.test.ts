import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmConnections, type DeletedLlmConnection, type LlmConnectionDeletionListener } from "@wick/llm-connections";
import { llmApiKeys } from "@wick/postgres";
import { OutboundAllowlist } from "@wick/outbound-urls";
import { EncryptionKey, SecretBox, secretsWith } from "@wick/secrets";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, callPublic, createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { checkedCall, okCall } from "./support/reference-calls.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const LIST = { method: "GET", path: "/api/public/llm-connections" };
const UPSERT = { method: "PUT", path: "/api/public/llm-connections" };
const REMOVE = { method: "DELETE", path: "/api/public/llm-connections/{id}" };

const SECRET = "sk-proj-AbCdEf0123456789xyz9";
const HEADER_VALUE = "hdr-secret-QwErTy";

type Body = Record<string, unknown>;

describe.each(postgresModes())("LLM connections API (%s Postgres)", (mode) => {
  let t: TestApp;
  const key = EncryptionKey.fromHex(randomBytes(32).toString("hex"));
  let counter = 0;
  const provider = () => `provider-${++counter}-${randomBytes(3).toString("hex")}`;

  beforeAll(async () => {
    t = await createTestApp(mode, {
      encryptionKey: key,
      llmConnectionAllowlist: new OutboundAllowlist({ hosts: ["litellm"], ips: [], segments: ["10.0.0.0/8"] }),
    });
  });
  afterAll(async () => t?.close());

  const openAiBody = (overrides: Body = {}): Body => ({ provider: provider(), adapter: "openai", secretKey: SECRET, ...overrides });

  /** A PUT whose answer is 200 or 201, checked against the reference's connection schema. */
  const upsert = async (body: Body, project?: TestProject) => {
    const response = await callPublic(t, "PUT", "/llm-connections", { body, project });
    expect([200, 201], response.body).toContain(response.statusCode);
    expectReferenceResponse(UPSERT, 200, response.json());
    expect(response.body).not.toContain(String(body.secretKey));
    expect(response.body).not.toContain(HEADER_VALUE);
    return { status: response.statusCode, body: response.json() };
  };
  const list = (query = "", project?: TestProject) => okCall(t, LIST, `/llm-connections${query}`, { project });

  const storedRow = async (id: string) => {
    const [row] = await t.stores.postgres.execute("select secret_key, extra_headers, display_secret_key, base_url from llm_api_keys where id = $1", [id]);
    return row as { secret_key: string; extra_headers: string | null; display_secret_key: string; base_url: string | null } | undefined;
  };

  /** The 400's body, after checking that one of its issues is at `path` and says `message`. */
  const expectInvalid = async (body: Body, path: string, message: RegExp | string = /./) => {
    const response = await callPublic(t, "PUT", "/llm-connections", { body });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.body).not.toContain(SECRET);
    const parsed = response.json();
    expect(parsed.message).toBe("Invalid request data");
    // Issues name their field by zod `path` or, as the validator reports some, by JSON pointer.
    const issues: Array<{ path?: Array<string | number>; instancePath?: string; message: string }> = parsed.error;
    const fieldOf = (issue: (typeof issues)[number]) => issue.path?.join(".") ?? issue.instancePath?.slice(1).replaceAll("/", ".");
    const atPath = issues.filter((issue) => fieldOf(issue) === path);
    expect(atPath.length, JSON.stringify(issues)).toBeGreaterThan(0);
    expect(atPath.map((issue) => issue.message).join("\n")).toMatch(message);
    return parsed;
  };

  describe("authentication", () => {
    it.each([
      ["GET", "/llm-connections"],
      ["PUT", "/llm-connections"],
      ["DELETE", "/llm-connections/any"],
    ])("%s %s answers 401 without credentials", async (method, url) => {
      const response = await callPublic(t, method as "GET", url, { authorization: null, body: method === "PUT" ? openAiBody() : undefined });
      expect(response.statusCode).toBe(401);
    });

    it("answers 403 to an organization key", async () => {
      const issued = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId: t.project.orgId });
      const response = await callPublic(t, "GET", "/llm-connections", { authorization: basicAuthHeader(issued.publicKey, issued.secretKey) });
      expect(response.statusCode).toBe(403);
    });
  });

  describe("PUT creates and updates by provider", () => {
    it("creates with 201 and the reference's defaults, masking the secret", async () => {
      const before = Date.now();
      const name = provider();
      const { status, body } = await upsert({ provider: name, adapter: "openai", secretKey: SECRET });
      expect(status).toBe(201);
      expect(body).toEqual({
        id: expect.any(String),
        provider: name,
        adapter: "openai",
        displaySecretKey: "...xyz9",
        baseURL: null,
        customModels: [],
        withDefaultModels: true,
        extraHeaderKeys: [],
        config: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(new Date(body.createdAt).getTime()).toBeGreaterThanOrEqual(before - 1);
    });

    it("stores the secret key and header values sealed with ENCRYPTION_KEY, never in clear", async () => {
      const { body } = await upsert(openAiBody({ extraHeaders: { "x-gateway-key": HEADER_VALUE, "x-team": "a" } }));
      expect(body.extraHeaderKeys).toEqual(["x-gateway-key", "x-team"]);
      const row = (await storedRow(body.id))!;
      expect(row.secret_key).toMatch(/^v1:/);
      expect(row.secret_key).not.toContain(SECRET);
      expect(row.extra_headers).not.toContain(HEADER_VALUE);
      expect(row.extra_headers).not.toContain("x-gateway-key");
      const box = new SecretBox(key);
      expect(box.open(row.secret_key)).toBe(SECRET);
      expect(JSON.parse(box.open(row.extra_headers!))).toEqual({ "x-gateway-key": HEADER_VALUE, "x-team": "a" });
      const listed = JSON.stringify(await list("?limit=100"));
      expect(listed).not.toContain(SECRET);
      expect(listed).not.toContain(HEADER_VALUE);
    });

    it("updates with 200: same id and createdAt, omitted fields reset, config kept unless given", async () => {
      const name = provider();
      const first = await upsert({
        provider: name,
        adapter: "openai",
        secretKey: "sk-first-1111",
        baseURL: "https://52.216.1.1/v1",
        customModels: ["my-model"],
        withDefaultModels: false,
        extraHeaders: { "x-a": HEADER_VALUE },
        config: { useResponsesApi: true },
      });
      expect(first.status).toBe(201);
      const second = await upsert({ provider: name, adapter: "openai", secretKey: "sk-second-2222" });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({
        id: first.body.id,
        createdAt: first.body.createdAt,
        displaySecretKey: "...2222",
        baseURL: null,
        customModels: [],
        withDefaultModels: true,
        extraHeaderKeys: [],
        config: { useResponsesApi: true },
      });
      const row = (await storedRow(first.body.id))!;
      expect(row.extra_headers).toBeNull();
      expect(new SecretBox(key).open(row.secret_key)).toBe("sk-second-2222");
      const third = await upsert({ provider: name, adapter: "anthropic", secretKey: "sk-ant-3333", config: {} });
      expect(third.status).toBe(200);
      expect(third.body).toMatchObject({ id: first.body.id, adapter: "anthropic", config: {} });
    });

    it("keeps providers apart per project: the same provider in another project is another connection", async () => {
      const other = await t.createProject();
      const name = provider();
      const mine = await upsert(openAiBody({ provider: name }));
      const theirs = await upsert(openAiBody({ provider: name }), other);
      expect(theirs.status).toBe(201);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });

    it("drops unknown body keys, as the reference's lenient body does", async () => {
      const { status, body } = await upsert(openAiBody({ somethingElse: 1 }));
      expect(status).toBe(201);
      expect(body).not.toHaveProperty("somethingElse");
    });

    it("concurrent creates of one provider make one connection", async () => {
      const name = provider();
      const results = await Promise.all([1, 2, 3].map(() => upsert(openAiBody({ provider: name }))));
      expect(results.map((result) => result.status).sort()).toEqual([200, 200, 201]);
      expect(new Set(results.map((result) => result.body.id)).size).toBe(1);
    });
  });

  describe("displaySecretKey", () => {
    it.each([
      ["a plain key: the last four characters", "openai", "sk-abc123xyz9", undefined, "...xyz9"],
      [
        "JSON credentials: the four before the closing quote",
        "bedrock",
        JSON.stringify({ accessKeyId: "AKIA1", secretAccessKey: "secretWXYZ" }),
        { region: "us-east-1" },
        "...WXYZ",
      ],
      ["the Bedrock default credentials", "bedrock", "__BEDROCK_DEFAULT_CREDENTIALS__", { region: "us-east-1" }, "Default AWS credentials"],
      ["the Vertex AI default credentials", "google-vertex-ai", "__VERTEXAI_DEFAULT_CREDENTIALS__", undefined, "Default GCP credentials (ADC)"],
    ])("%s", async (_case, adapter, secretKey, config, shown) => {
      const { body } = await upsert({ provider: provider(), adapter, secretKey, ...(config ? { config } : {}) });
      expect(body.displaySecretKey).toBe(shown);
    });
  });

  describe("adapter-specific rules", () => {
    const bedrockKeys = JSON.stringify({ accessKeyId: "AKIA1", secretAccessKey: SECRET });

    it.each([
      ["bedrock with access keys", { adapter: "bedrock", secretKey: bedrockKeys, config: { region: "eu-west-1" } }],
      ["bedrock with an API key", { adapter: "bedrock", secretKey: JSON.stringify({ apiKey: SECRET }), config: { region: "eu-west-1" } }],
      ["bedrock with the host's credentials", { adapter: "bedrock", secretKey: "__BEDROCK_DEFAULT_CREDENTIALS__", config: { region: "eu-west-1" } }],
      ["openai with useResponsesApi", { adapter: "openai", config: { useResponsesApi: false } }],
      ["google-vertex-ai with a location", { adapter: "google-vertex-ai", config: { location: "us-central1" } }],
      ["google-vertex-ai without config", { adapter: "google-vertex-ai" }],
      ["anthropic with an empty config", { adapter: "anthropic", config: {} }],
      ["azure", { adapter: "azure" }],
      ["google-ai-studio", { adapter: "google-ai-studio" }],
    ])("accepts %s", async (_case, overrides) => {
      const { status, body } = await upsert(openAiBody(overrides));
      expect(status).toBe(201);
      expect(body.config).toEqual((overrides as Body).config ?? null);
    });

    it.each([
      ["bedrock without config", { adapter: "bedrock", secretKey: bedrockKeys }, "config.region", /region is required/],
      ["bedrock without a region", { adapter: "bedrock", secretKey: bedrockKeys, config: { location: "x" } }, "config.region", /region is required/],
      ["bedrock with another config key", { adapter: "bedrock", secretKey: bedrockKeys, config: { region: "eu-west-1", x: "y" } }, "config", /config.x is not allowed/],
      ["bedrock with a plain key", { adapter: "bedrock", config: { region: "eu-west-1" } }, "secretKey", /must be JSON of/],
      [
        "bedrock with extra credential keys",
        { adapter: "bedrock", secretKey: JSON.stringify({ apiKey: SECRET, region: "x" }), config: { region: "eu-west-1" } },
        "secretKey",
        /no other keys/,
      ],
      ["the Bedrock sentinel with another adapter", { adapter: "openai", secretKey: "__BEDROCK_DEFAULT_CREDENTIALS__" }, "secretKey", /only accepted with the bedrock adapter/],
      ["openai with another config", { adapter: "openai", config: { location: "x" } }, "config.useResponsesApi", /useResponsesApi/],
      ["openai with a non-boolean useResponsesApi", { adapter: "openai", config: { useResponsesApi: "yes" } }, "config.useResponsesApi", /useResponsesApi/],
      ["google-vertex-ai with a region", { adapter: "google-vertex-ai", config: { region: "x" } }, "config", /config.region is not allowed/],
      ["google-vertex-ai with a boolean location", { adapter: "google-vertex-ai", config: { location: true } }, "config.location", /must be a string/],
      ["anthropic with config", { adapter: "anthropic", config: { region: "x" } }, "config", /not supported for the anthropic adapter/],
      ["azure with config", { adapter: "azure", config: { useResponsesApi: true } }, "config", /not supported for the azure adapter/],
    ])("refuses %s", async (_case, overrides, path, message) => {
      await expectInvalid(openAiBody(overrides), path, message);
    });
  });

  describe("PUT refuses what the reference refuses, naming the field", () => {
    it.each([
      ["a missing provider", { provider: undefined }, "provider"],
      ["an empty provider", { provider: "" }, "provider"],
      ["an unknown adapter", { adapter: "mistral" }, "adapter"],
      ["a missing secret key", { secretKey: undefined }, "secretKey"],
      ["an empty secret key", { secretKey: "" }, "secretKey"],
      ["a baseURL that is not a URL", { baseURL: "not a url" }, "baseURL"],
      ["null customModels", { customModels: null }, "customModels"],
      ["an empty custom model", { customModels: ["ok", ""] }, "customModels.1"],
      ["null withDefaultModels", { withDefaultModels: null }, "withDefaultModels"],
      ["null extraHeaders", { extraHeaders: null }, "extraHeaders"],
      ["a header value that is not a string", { extraHeaders: { "x-a": 1 } }, "extraHeaders.x-a"],
      ["null config", { config: null }, "config"],
      ["a config value that is a number", { config: { useResponsesApi: 1 } }, "config.useResponsesApi"],
      ["a NUL character in the provider", { provider: "a\u0000b" }, "provider"],
    ])("%s", async (_case, overrides, path) => {
      await expectInvalid(openAiBody(overrides), path);
    });

    it("a body that is not an object", async () => {
      const response = await callPublic(t, "PUT", "/llm-connections", { body: [1, 2] });
      expect(response.statusCode).toBe(400);
    });
  });

  describe("baseURL must not reach private or internal addresses", () => {
    it.each([
      ["http://127.0.0.1:4000", "127.0.0.1 is a private or internal address"],
      ["http://[::1]:4000", "::1 is a private or internal address"],
      ["http://localhost:4000/v1", "localhost is a local or internal host name"],
      ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is a private or internal address"],
      ["http://192.168.1.20/v1", "192.168.1.20 is a private or internal address"],
    ])("refuses %s", async (baseURL, reason) => {
      const response = await checkedCall(t, UPSERT, "/llm-connections", { body: openAiBody({ baseURL }) });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        message: `Invalid baseURL: ${reason}. A private or internal baseURL must be allowed by LANGFUSE_LLM_CONNECTION_WHITELISTED_HOST, LANGFUSE_LLM_CONNECTION_WHITELISTED_IPS or LANGFUSE_LLM_CONNECTION_WHITELISTED_IP_SEGMENTS`,
        error: "InvalidRequestError",
      });
    });

    it.each([
      ["ftp://52.216.1.1", "only http and https URLs are allowed, not ftp"],
      ["https://user:pass@52.216.1.1", "the URL must not contain a user name or password"],
    ])("refuses %s", async (baseURL, reason) => {
      const response = await checkedCall(t, UPSERT, "/llm-connections", { body: openAiBody({ baseURL }) });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: `Invalid baseURL: ${reason}`, error: "InvalidRequestError" });
    });

    it("accepts public addresses and the private ones the allowlist names", async () => {
      for (const baseURL of ["https://52.216.1.1/v1", "http://litellm:4000", "http://10.1.2.3:4000/v1", "https://[2600:1f18::1]"]) {
        const { body } = await upsert(openAiBody({ baseURL }));
        expect(body.baseURL).toBe(baseURL);
      }
    });

    it("checks a baseURL only when it changes: a stored one is saved again as it is", async () => {
      const name = provider();
      const { body } = await upsert(openAiBody({ provider: name }));
      await t.stores.postgres.execute("update llm_api_keys set base_url = $2 where id = $1", [body.id, "http://192.168.7.7/v1"]);
      const again = await upsert(openAiBody({ provider: name, baseURL: "http://192.168.7.7/v1" }));
      expect(again.status).toBe(200);
      expect(again.body.baseURL).toBe("http://192.168.7.7/v1");
      const changed = await callPublic(t, "PUT", "/llm-connections", { body: openAiBody({ provider: name, baseURL: "http://192.168.7.8/v1" }) });
      expect(changed.statusCode).toBe(400);
      expect((await storedRow(body.id))!.base_url).toBe("http://192.168.7.7/v1");
    });
  });

  describe("GET /llm-connections", () => {
    it("pages the project's connections, newest first, and none of another project's", async () => {
      const project = await t.createProject();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await upsert(openAiBody(), project)).body.id);
      await upsert(openAiBody());
      const firstPage = await list("?page=1&limit=2", project);
      expect(firstPage.meta).toEqual({ page: 1, limit: 2, totalItems: 3, totalPages: 2 });
      expect(firstPage.data.map((connection: { id: string }) => connection.id)).toEqual([ids[2], ids[1]]);
      const secondPage = await list("?page=2&limit=2", project);
      expect(secondPage.data.map((connection: { id: string }) => connection.id)).toEqual([ids[0]]);
      const defaults = await list("?page=&limit=", project);
      expect(defaults.meta).toEqual({ page: 1, limit: 50, totalItems: 3, totalPages: 1 });
    });

    it.each([
      ["an unknown parameter", "?provider=openai", "provider"],
      ["a limit over 100", "?limit=101", "limit"],
      ["a page of 0", "?page=0", "page"],
      ["a limit that is not a number", "?limit=abc", "limit"],
    ])("refuses %s with 400", async (_case, query, field) => {
      const response = await checkedCall(t, LIST, `/llm-connections${query}`);
      expect(response.statusCode).toBe(400);
      expect(JSON.stringify(response.json())).toContain(field);
    });
  });

  describe("DELETE /llm-connections/{id}", () => {
    it("deletes the connection, then answers 404", async () => {
      const { body } = await upsert(openAiBody());
      expect(await okCall(t, REMOVE, `/llm-connections/${body.id}`)).toEqual({ message: "LLM connection successfully deleted" });
      expect(await storedRow(body.id)).toBeUndefined();
      const again = await checkedCall(t, REMOVE, `/llm-connections/${body.id}`);
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ message: "LLM connection not found", error: "LangfuseNotFoundError" });
    });

    it("answers 404 for another project's connection and leaves it alone", async () => {
      const other = await t.createProject();
      const { body } = await upsert(openAiBody(), other);
      const response = await checkedCall(t, REMOVE, `/llm-connections/${body.id}`);
      expect(response.statusCode).toBe(404);
      expect(await storedRow(body.id)).toBeDefined();
    });

    it("refuses an unknown query parameter, as the reference's strict query does", async () => {
      const { body } = await upsert(openAiBody());
      const response = await checkedCall(t, REMOVE, `/llm-connections/${body.id}?force=true`);
      expect(response.statusCode).toBe(400);
      expect(await storedRow(body.id)).toBeDefined();
    });
  });

  describe("delete side effects", () => {
    const serviceWith = (connectionDeleted: LlmConnectionDeletionListener["connectionDeleted"]) =>
      new LlmConnections(t.stores.postgres.db, { secrets: secretsWith(key), baseUrlAllowlist: new OutboundAllowlist(), deletionListeners: [{ connectionDeleted }] });

    it("tells the listeners which connection goes, before it goes", async () => {
      const { body } = await upsert(openAiBody());
      const seen: Array<DeletedLlmConnection & { stillStored: boolean }> = [];
      // The listener reads through the transaction: embedded PGlite has one connection, which the transaction holds.
      await serviceWith(async (tx, connection) => {
        const rows = await tx.select({ id: llmApiKeys.id }).from(llmApiKeys);
        seen.push({ ...connection, stillStored: rows.some((row) => row.id === connection.id) });
      }).delete(t.project.id, body.id);
      expect(seen).toEqual([{ id: body.id, projectId: t.project.id, provider: body.provider, adapter: "openai", stillStored: true }]);
      expect(await storedRow(body.id)).toBeUndefined();
    });

    it("keeps the connection when a listener fails: one transaction", async () => {
      const { body } = await upsert(openAiBody());
      await expect(
        serviceWith(async () => {
          throw new Error("evaluators unavailable");
        }).delete(t.project.id, body.id),
      ).rejects.toThrow("evaluators unavailable");
      expect(await storedRow(body.id)).toBeDefined();
    });
  });

  describe("project deletion", () => {
    it("deleting the project through the API deletes its connections and their secrets", async () => {
      const project = await t.createProject();
      const { body } = await upsert(openAiBody(), project);
      const issued = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "ORGANIZATION", organizationId: project.orgId });
      const response = await callPublic(t, "DELETE", `/projects/${project.id}`, { authorization: basicAuthHeader(issued.publicKey, issued.secretKey) });
      expect(response.statusCode).toBe(202);
      expect(await storedRow(body.id)).toBeUndefined();
    });
  });

  describe("without ENCRYPTION_KEY", () => {
    let keyless: TestApp;
    beforeAll(async () => {
      keyless = await createTestApp(mode, { stores: t.stores });
    });
    afterAll(async () => keyless?.close());

    it("refuses to store a connection with a 400 naming the variable", async () => {
      const name = provider();
      const response = await checkedCall(keyless, UPSERT, "/llm-connections", { body: openAiBody({ provider: name }) });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        message:
          "ENCRYPTION_KEY is not set, so Wick can neither store nor read secrets. Set ENCRYPTION_KEY to 64 hex characters (32 bytes); make one with `openssl rand -hex 32`, and restart Wick.",
        error: "InvalidRequestError",
      });
      expect((await list("?limit=100")).data.some((connection: { provider: string }) => connection.provider === name)).toBe(false);
    });
  });
});
