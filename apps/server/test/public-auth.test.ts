import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuthHeader, createTestApp, postgresModes, type TestApp } from "./support/harness.ts";

describe.each(postgresModes())("public API authentication (%s Postgres)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode);
  });
  afterAll(async () => t?.close());

  const getProjects = (authorization?: string) => t.app.inject({ method: "GET", url: "/api/public/projects", headers: authorization === undefined ? {} : { authorization } });

  it("accepts the project's key pair", async () => {
    const response = await getProjects(t.project.basic);
    expect(response.statusCode).toBe(200);
    expect(response.json().data[0].id).toBe(t.project.id);
  });

  it.each([
    ["no header", undefined, "No authorization header"],
    ["an empty header", "", "No authorization header"],
    ["a lowercase scheme", "basic abc", "Invalid authorization header"],
    ["a raw key", "pk-lf-123", "Invalid authorization header"],
    ["a Basic token without a colon", `Basic ${Buffer.from("nocolon").toString("base64")}`, "Invalid authorization header. Confirm that you've configured the correct host."],
    ["an empty user name", `Basic ${Buffer.from(":secret").toString("base64")}`, "Invalid authorization header. Confirm that you've configured the correct host."],
    ["an empty password", `Basic ${Buffer.from("pk-lf-x:").toString("base64")}`, "Invalid authorization header. Confirm that you've configured the correct host."],
    [
      "an empty password before a further colon",
      `Basic ${Buffer.from("pk-lf-x::sk-lf-x").toString("base64")}`,
      "Invalid authorization header. Confirm that you've configured the correct host.",
    ],
    ["two spaces after Basic", "Basic  abc", "Invalid authorization header. Confirm that you've configured the correct host."],
    ["an unknown key pair", basicAuthHeader("pk-lf-nope", "sk-lf-nope"), "Invalid credentials. Confirm that you've configured the correct host."],
    ["an unknown public key as bearer", "Bearer pk-lf-nope", "Invalid public key. Confirm that you've configured the correct host."],
  ])("answers 401 for %s", async (_case, header, message) => {
    const response = await getProjects(header);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ message });
  });

  it("drops what follows a colon after the secret, as the reference does", async () => {
    const response = await getProjects(`Basic ${Buffer.from(`${t.project.publicKey}:${t.project.secretKey}:extra:parts`).toString("base64")}`);
    expect(response.statusCode).toBe(200);
    expect(response.json().data[0].id).toBe(t.project.id);
  });

  it("refuses the right public key with a wrong secret", async () => {
    const response = await getProjects(basicAuthHeader(t.project.publicKey, "sk-lf-wrong"));
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toMatch(/^Invalid credentials/);
  });

  it("authenticates by the secret, as the reference does, when the public key names another key", async () => {
    const other = await t.createProject();
    const response = await getProjects(basicAuthHeader(t.project.publicKey, other.secretKey));
    expect(response.statusCode).toBe(200);
    expect(response.json().data[0].id).toBe(other.id);
  });

  it("gives a bearer public key the scores scope only: 403 on project routes", async () => {
    const response = await getProjects(`Bearer ${t.project.publicKey}`);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ message: "Invalid API key. Are you using an organization key?" });
  });

  it("stops accepting a key as soon as it is deleted, cached or not", async () => {
    const project = await t.createProject();
    expect((await getProjects(project.basic)).statusCode).toBe(200);
    const record = await t.services.repositories.apiKeys.findByPublicKey(project.publicKey);
    await t.services.repositories.apiKeys.deleteById(record!.id);
    t.services.verifier.invalidate([project.publicKey]);
    const response = await getProjects(project.basic);
    expect(response.statusCode).toBe(401);
  });

  it("keeps the project of one key out of another key's answers", async () => {
    const other = await t.createProject();
    const mine = (await getProjects(t.project.basic)).json().data.map((p: { id: string }) => p.id);
    const theirs = (await getProjects(other.basic)).json().data.map((p: { id: string }) => p.id);
    expect(mine).toEqual([t.project.id]);
    expect(theirs).toEqual([other.id]);
  });
});
