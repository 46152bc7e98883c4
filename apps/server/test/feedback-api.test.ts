import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FeedbackIntake } from "../src/domain/feedback.ts";
import { ServiceUnavailableError } from "../src/errors.ts";
import { createTestApp, type TestApp } from "./support/harness.ts";

const valid = { targetType: "public-api", target: "/api/public/experiments", feedback: "  The window parameter is easy to miss.  " };

/** A webhook on 127.0.0.1 that records what it receives and answers as `respond` says. */
async function webhook(respond: (response: ServerResponse) => void): Promise<{ server: Server; url: string; received: unknown[] }> {
  const received: unknown[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      received.push(JSON.parse(body));
      respond(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe("POST /api/public/feedback", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  const post = (app: TestApp, payload: unknown) =>
    app.app.inject({ method: "POST", url: "/api/public/feedback", headers: { authorization: app.project.basic }, payload: payload as object });

  it("answers the reference's 409 when no webhook is configured", async () => {
    const response = await post(t, valid);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ message: "Feedback submission is not configured for this deployment", error: "LangfuseConflictError" });
  });

  it.each([
    [{ ...valid, extra: 1 }, "extra"],
    [{ ...valid, targetType: "website" }, "targetType"],
    [{ ...valid, target: "   " }, "target"],
    [{ ...valid, target: "x".repeat(201) }, "target"],
    [{ ...valid, feedback: "x".repeat(3001) }, "feedback"],
    [{ ...valid, goal: null }, "goal"],
    [{ ...valid, goal: "" }, "goal"],
    [{ ...valid, referenceUrl: "ftp://example.com/x" }, "referenceUrl"],
    [{ ...valid, referenceUrl: null }, "referenceUrl"],
    [{ target: "x", feedback: "y" }, "targetType"],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const response = await post(t, body);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(field);
  });

  it("refuses bodies over 16 KB", async () => {
    const response = await post(t, { ...valid, feedback: "x".repeat(17_000) });
    expect(response.statusCode).toBe(413);
  });

  describe("with a webhook", () => {
    it("forwards the trimmed feedback as a chat message and answers 201 with an id", async () => {
      const hook = await webhook((response) => response.writeHead(200).end("ok"));
      const app = await createTestApp("embedded", { feedbackWebhookUrl: hook.url });
      try {
        const response = await post(app, { ...valid, goal: "export runs", referenceUrl: "https://example.com/docs" });
        expect(response.statusCode, response.body).toBe(201);
        expect(response.json().id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(hook.received).toHaveLength(1);
        const { text } = hook.received[0] as { text: string };
        expect(text).toContain("public-api `/api/public/experiments`");
        expect(text).toContain(`project ${app.project.id}`);
        expect(text).toContain("\nThe window parameter is easy to miss.\n");
        expect(text).toContain("Goal: export runs");
        expect(text).toContain("Reference: https://example.com/docs");
      } finally {
        await app.close();
        hook.server.close();
      }
    });

    it("answers 503 when the webhook refuses or cannot be reached", async () => {
      const hook = await webhook((response) => response.writeHead(500).end());
      const app = await createTestApp("embedded", { feedbackWebhookUrl: hook.url });
      try {
        const refused = await post(app, valid);
        expect(refused.statusCode).toBe(503);
        expect(refused.json()).toMatchObject({ error: "ServiceUnavailableError" });
      } finally {
        await app.close();
        await new Promise((resolve) => hook.server.close(resolve));
      }
      // The port is closed now.
      await expect(new FeedbackIntake(hook.url).submit("p", valid as never)).rejects.toBeInstanceOf(ServiceUnavailableError);
    });

    it("gives up on a webhook that does not answer in time", async () => {
      const hook = await webhook(() => {});
      try {
        await expect(new FeedbackIntake(hook.url, 200).submit("p", valid as never)).rejects.toBeInstanceOf(ServiceUnavailableError);
      } finally {
        hook.server.closeAllConnections();
        hook.server.close();
      }
    });
  });
});
