import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { LangfuseClient } from "@langfuse/client";
import { Langfuse } from "langfuse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, listen, postgresModes, type TestApp } from "./support/harness.ts";

const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe.each(postgresModes())("the prompt clients of the Langfuse SDKs against a running Wick (%s Postgres)", (mode) => {
  let t: TestApp;
  let baseUrl: string;
  let client: LangfuseClient;
  beforeAll(async () => {
    t = await createTestApp(mode);
    baseUrl = await listen(t.app);
    client = new LangfuseClient({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Label moves made behind the SDK's back, so its cache does not know about them. */
  const moveLabels = async (name: string, version: number, newLabels: string[]) => {
    const response = await t.app.inject({
      method: "PATCH",
      url: `/api/public/v2/prompts/${encodeURIComponent(name)}/versions/${version}`,
      headers: { authorization: t.project.basic },
      payload: { newLabels },
    });
    expect(response.statusCode).toBe(200);
  };

  describe("@langfuse/client", () => {
    it("creates a text prompt and compiles what it fetches by label and by version", async () => {
      const name = `${fresh("greetings")}/welcome`;
      const created = await client.prompt.create({
        name,
        prompt: "Hello {{name}}, welcome to {{place}}!",
        labels: ["production"],
        config: { model: "gpt-4o-mini", temperature: 0.2 },
        tags: ["onboarding"],
      });
      expect(created).toMatchObject({ name, version: 1, labels: ["production", "latest"], tags: ["onboarding"] });
      await client.prompt.create({ name, prompt: "Hi {{name}} (draft)", labels: ["staging"] });

      const production = await client.prompt.get(name);
      expect(production.version).toBe(1);
      expect(production.config).toEqual({ model: "gpt-4o-mini", temperature: 0.2 });
      expect(production.compile({ name: "Ada", place: "Wick & Co" })).toBe("Hello Ada, welcome to Wick & Co!");
      expect((await client.prompt.get(name, { label: "staging" })).compile({ name: "Ada" })).toBe("Hi Ada (draft)");
      expect((await client.prompt.get(name, { version: 2 })).labels).toEqual(["staging", "latest"]);
      expect((await client.prompt.get(name, { label: "latest" })).version).toBe(2);
    });

    it("creates a chat prompt with a placeholder and compiles variables and placeholder messages", async () => {
      const name = fresh("support-chat");
      await client.prompt.create({
        name,
        type: "chat",
        labels: ["production"],
        prompt: [
          { role: "system", content: "You are {{persona}}." },
          { type: "placeholder", name: "history" },
          { role: "user", content: "{{question}}" },
        ],
      });
      const prompt = await client.prompt.get(name, { type: "chat" });
      expect(
        prompt.compile(
          { persona: "a support agent", question: "Where is my order?" },
          {
            history: [
              { role: "user", content: "Hi" },
              { role: "assistant", content: "Hello!" },
            ],
          },
        ),
      ).toEqual([
        { role: "system", content: "You are a support agent." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "Where is my order?" },
      ]);
    });

    it("gets composed prompts resolved", async () => {
      const snippet = fresh("tone");
      await client.prompt.create({ name: snippet, prompt: "Answer in {{language}}.", labels: ["production"] });
      const parent = fresh("composed");
      await client.prompt.create({ name: parent, prompt: `Be brief. @@@langfusePrompt:name=${snippet}|label=production@@@`, labels: ["production"] });
      expect((await client.prompt.get(parent, { cacheTtlSeconds: 0 })).compile({ language: "French" })).toBe("Be brief. Answer in French.");
    });

    it("updates labels and sees the change at once, its cache being invalidated by the update", async () => {
      const name = fresh("labels");
      await client.prompt.create({ name, prompt: "one", labels: ["production"] });
      await client.prompt.create({ name, prompt: "two" });
      expect((await client.prompt.get(name)).prompt).toBe("one");
      const updated = await client.prompt.update({ name, version: 2, newLabels: ["production"] });
      expect(updated.labels).toEqual(["latest", "production"]);
      expect((await client.prompt.get(name)).prompt).toBe("two");
    });

    it("serves its cache, then refetches in the background once the entry expires", async () => {
      const name = fresh("cached");
      await client.prompt.create({ name, prompt: "first", labels: ["production"] });
      await client.prompt.create({ name, prompt: "second" });
      expect((await client.prompt.get(name, { cacheTtlSeconds: 1 })).prompt).toBe("first");
      await moveLabels(name, 2, ["production"]);
      // Fresh entry: no request.
      expect((await client.prompt.get(name, { cacheTtlSeconds: 1 })).prompt).toBe("first");
      await sleep(1_100);
      // Expired entry: the stale value now, the refetched one as soon as the background fetch lands.
      expect((await client.prompt.get(name, { cacheTtlSeconds: 1 })).prompt).toBe("first");
      let seen = "first";
      for (let attempt = 0; attempt < 50 && seen === "first"; attempt += 1) {
        await sleep(20);
        seen = (await client.prompt.get(name, { cacheTtlSeconds: 1 })).prompt;
      }
      expect(seen).toBe("second");
    });

    it("falls back on a 404 without retrying, and deletes versions", async () => {
      const name = fresh("missing");
      const fallback = await client.prompt.get(name, { fallback: "offline {{x}}", cacheTtlSeconds: 0 });
      expect(fallback.isFallback).toBe(true);
      expect(fallback.compile({ x: "copy" })).toBe("offline copy");

      await client.prompt.create({ name, prompt: "v1", labels: ["production"] });
      await client.prompt.create({ name, prompt: "v2" });
      await client.prompt.delete(name, { version: 2 });
      expect((await client.prompt.get(name, { label: "latest", cacheTtlSeconds: 0 })).version).toBe(1);
      await client.prompt.delete(name);
      await expect(client.prompt.get(name, { cacheTtlSeconds: 0, maxRetries: 0 })).rejects.toThrow();
    });
  });

  describe("the legacy langfuse v3 SDK", () => {
    let langfuse: Langfuse;
    beforeAll(() => {
      langfuse = new Langfuse({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl, flushAt: 100, flushInterval: 60_000 });
    });
    afterAll(async () => langfuse?.shutdownAsync());

    it("creates and gets text and chat prompts by the default label, a label and a version", async () => {
      const name = fresh("legacy");
      await langfuse.createPrompt({ name, prompt: "Dear {{name}}", labels: ["production"], config: { temperature: 0 } });
      await langfuse.createPrompt({ name, prompt: "Hey {{name}}", labels: ["beta"] });

      const production = await langfuse.getPrompt(name);
      expect(production).toMatchObject({ name, version: 1, config: { temperature: 0 }, labels: ["production"] });
      expect(production.compile({ name: "Grace" })).toBe("Dear Grace");
      expect((await langfuse.getPrompt(name, undefined, { label: "beta" })).compile({ name: "Grace" })).toBe("Hey Grace");
      expect((await langfuse.getPrompt(name, 2)).prompt).toBe("Hey {{name}}");

      const chatName = fresh("legacy-chat");
      await langfuse.createPrompt({ name: chatName, type: "chat", prompt: [{ role: "system", content: "You help with {{topic}}." }], labels: ["production"] });
      const chat = await langfuse.getPrompt(chatName, undefined, { type: "chat" });
      expect(chat.compile({ topic: "billing" })).toEqual([{ role: "system", content: "You help with billing." }]);
    });
  });
});
