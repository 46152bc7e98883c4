import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Langfuse } from "langfuse";
import { type Browser, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, listen, type TestApp } from "../../../server/test/support/harness.ts";

const WEB_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Screenshots of the main pages, kept out of git (see .gitignore). */
const ARTIFACTS = fileURLToPath(new URL("../../../../test-artifacts/web/", import.meta.url));

/** Debian's package, unless CHROMIUM_PATH names another build (or, naming nothing there, skips these tests). */
const candidates = process.env.CHROMIUM_PATH !== undefined ? [process.env.CHROMIUM_PATH] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
const executablePath = candidates.find((path) => path !== "" && existsSync(path));
if (!executablePath) process.stdout.write("\nBrowser tests skipped: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH).\n\n");

describe.runIf(executablePath)("the web UI in a real browser", () => {
  let t: TestApp;
  let baseUrl: string;
  let webDir: string;
  let browser: Browser;
  let page: Page;
  const traceId = `checkout-${Date.now()}`;

  beforeAll(async () => {
    // Built from the sources under test, not whatever apps/web/dist holds.
    webDir = await mkdtemp(join(tmpdir(), "wick-web-e2e-"));
    await build({ root: WEB_ROOT, logLevel: "warn", build: { outDir: webDir, emptyOutDir: true } });
    t = await createTestApp("embedded", { webDir });
    baseUrl = await listen(t.app);

    const langfuse = new Langfuse({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl, flushAt: 100, flushInterval: 60_000 });
    // Fixed times, so the tree's order and the waterfall's bars are known.
    const t0 = Date.now() - 10 * 60_000;
    const at = (ms: number) => new Date(t0 + ms);
    const trace = langfuse.trace({
      id: traceId,
      timestamp: at(0),
      name: "checkout-chat",
      userId: "user-e2e",
      sessionId: "session-e2e",
      tags: ["e2e", "checkout"],
      input: { question: "2+2?" },
    });
    const retrieve = trace.span({ name: "retrieve", startTime: at(10), endTime: at(400), input: { query: "arithmetic" }, output: { documents: 1 } });
    retrieve.span({ name: "lookup", startTime: at(50), endTime: at(300), output: ["doc-1"] });
    trace.generation({
      name: "answer",
      startTime: at(450),
      endTime: at(1450),
      model: "gpt-4o",
      input: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "What is 2+2?" },
      ],
      output: { role: "assistant", content: "It is 4." },
      usageDetails: { input: 1200, output: 300 },
      costDetails: { input: 0.003, output: 0.0045, total: 0.0075 },
    });
    trace.event({ name: "audit", startTime: at(1500), level: "WARNING", statusMessage: "slow answer" });
    langfuse.trace({ name: "other-trace", timestamp: at(5 * 60_000), userId: "someone-else", tags: ["e2e"] });
    await langfuse.flushAsync();
    await langfuse.shutdownAsync();

    await mkdir(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (webDir) await rm(webDir, { recursive: true, force: true });
  });

  const signIn = async (secretKey: string) => {
    await page.getByLabel("Public key").fill(t.project.publicKey);
    await page.getByLabel("Secret key").fill(secretKey);
    await page.getByRole("button", { name: "Sign in" }).click();
  };

  it("says so when the key pair is wrong", async () => {
    await page.goto(baseUrl);
    await signIn("sk-lf-not-the-secret");
    await page.getByText("Wrong key").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("Wick does not know this public and secret key pair");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, "sign-in-wrong-key.png") });
  });

  it("signs in and lists the traces newest first", async () => {
    await signIn(t.project.secretKey);
    const rows = page.locator("table.traces tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain("other-trace");
    const checkout = rows.filter({ hasText: "checkout-chat" });
    expect(await checkout.textContent()).toContain("user-e2e");
    expect(await checkout.textContent()).toContain("$0.0075");
    // Tokens and the worst level come from a metrics query over the page's traces.
    await expect.poll(() => checkout.textContent()).toContain("1,500");
    expect(await checkout.locator(".level-mark").textContent()).toBe("warning");
    await page.screenshot({ path: join(ARTIFACTS, "traces.png"), fullPage: true });
  });

  it("narrows the list with a filter kept in the URL, across a reload", async () => {
    await page.getByLabel("User").fill("user-e2e");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((url) => url.searchParams.get("userId") === "user-e2e");
    const rows = page.locator("table.traces tbody tr");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("checkout-chat");

    await page.reload();
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await page.getByLabel("User").inputValue()).toBe("user-e2e");
    expect(await page.locator(".topbar").textContent()).toContain("test-project");
  });

  it("opens the trace: tree, timeline, and the generation's input, output and cost", async () => {
    await page.getByRole("link", { name: "checkout-chat" }).click();
    await page.waitForURL(`**/traces/${traceId}`);
    const tree = page.getByRole("tree", { name: "Observations" });
    await tree.waitFor();
    const items = tree.getByRole("treeitem");
    await expect.poll(() => items.count()).toBe(5);
    const names = ["checkout-chat", "retrieve", "lookup", "answer", "audit"];
    const rowNames = (await items.allTextContents()).map((text) => names.find((name) => text.includes(name)));
    expect(rowNames).toEqual(names);
    expect(await items.filter({ hasText: "audit" }).textContent()).toContain("WARNING");
    expect(await tree.locator(".bar").count()).toBe(5);
    // The generation runs from 450 ms to 1450 ms of a 1500 ms trace: two thirds of the axis, to scale.
    const answerBar = await items.filter({ hasText: "answer" }).locator(".bar").getAttribute("style");
    expect(answerBar).toContain("left: 30%");
    expect(answerBar).toMatch(/width: 66\.66/);

    await items.filter({ hasText: "answer" }).click();
    const detail = page.getByRole("article", { name: "Observation details" });
    await detail.getByText("gpt-4o").waitFor();
    const input = detail.getByRole("region", { name: "Input" });
    expect(await input.locator(".message").allTextContents()).toEqual(["systemAnswer briefly.", "userWhat is 2+2?"]);
    expect(await detail.getByRole("region", { name: "Output" }).textContent()).toContain("It is 4.");
    expect(await detail.textContent()).toContain("$0.0075");
    expect(await detail.textContent()).toContain("input 1,200");
    await page.screenshot({ path: join(ARTIFACTS, "trace.png"), fullPage: true });
  });

  it("moves through the tree with the arrow keys", async () => {
    const tree = page.getByRole("tree", { name: "Observations" });
    await tree.focus();
    await page.keyboard.press("ArrowDown");
    expect(await tree.locator('[aria-selected="true"]').textContent()).toContain("audit");
    await page.keyboard.press("ArrowLeft");
    expect(await tree.locator('[aria-selected="true"]').textContent()).toContain("checkout-chat");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => tree.getByRole("treeitem").count()).toBe(1);
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => tree.getByRole("treeitem").count()).toBe(5);
  });

  it("shows a trace of 10,000 observations with only the rows in view in the page", async () => {
    const bigTraceId = `big-${Date.now()}`;
    const start = Date.now() - 60_000;
    const events = [{ id: `${bigTraceId}-t`, type: "trace-create", timestamp: new Date(start).toISOString(), body: { id: bigTraceId, name: "big-trace" } }];
    for (let i = 0; i < 10_000; i++) {
      // 100 parent spans of 99 children each.
      const parent = i % 100 === 0 ? null : `${bigTraceId}-o${i - (i % 100)}`;
      const startTime = new Date(start + i).toISOString();
      events.push({
        id: `${bigTraceId}-e${i}`,
        type: "span-create",
        timestamp: startTime,
        body: {
          id: `${bigTraceId}-o${i}`,
          traceId: bigTraceId,
          name: `step-${i}`,
          startTime,
          endTime: new Date(start + i + 5).toISOString(),
          parentObservationId: parent,
        } as never,
      });
    }
    for (let offset = 0; offset < events.length; offset += 2_500) {
      const response = await fetch(`${baseUrl}/api/public/ingestion`, {
        method: "POST",
        headers: { authorization: t.project.basic, "content-type": "application/json" },
        body: JSON.stringify({ batch: events.slice(offset, offset + 2_500) }),
      });
      expect(response.status).toBe(207);
    }

    // The API's own time, read once beforehand, separates the server's share from the page's.
    const fetched = Date.now();
    const answer = await fetch(`${baseUrl}/api/public/traces/${bigTraceId}`, { headers: { authorization: t.project.basic } });
    expect(answer.status).toBe(200);
    // Read whole: an answer left unread holds its connection, and the server's close waits for it.
    expect((await answer.json()).observations).toHaveLength(10_000);
    const apiMs = Date.now() - fetched;
    const opened = Date.now();
    await page.goto(`${baseUrl}/traces/${bigTraceId}`);
    const tree = page.getByRole("tree", { name: "Observations" });
    await tree.getByRole("treeitem").filter({ hasText: "step-0" }).first().waitFor();
    process.stdout.write(`10,000-observation trace: the API answers in ${apiMs} ms, the page shows it in ${Date.now() - opened} ms\n`);
    expect(await page.getByText("10,000 observations").count()).toBe(1);
    expect(await tree.getByRole("treeitem").count()).toBeLessThan(100);

    await tree.focus();
    for (let i = 0; i < 150; i++) await page.keyboard.press("ArrowDown");
    const selected = tree.locator('[aria-selected="true"]');
    expect(await selected.textContent()).toContain("step-149");
    expect(await selected.isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "trace-10000.png") });
  });

  it("lists the sessions and shows a session's traces as a conversation", async () => {
    await page.getByRole("link", { name: "Sessions", exact: true }).click();
    await page.getByRole("link", { name: "session-e2e" }).click();
    await page.waitForURL("**/sessions/session-e2e");
    const turn = page.locator(".turn");
    await turn.first().waitFor();
    expect(await turn.count()).toBe(1);
    expect(await turn.textContent()).toContain("checkout-chat");
    expect(await turn.getByRole("region", { name: "Input" }).textContent()).toContain("question: 2+2?");
    await page.screenshot({ path: join(ARTIFACTS, "session.png"), fullPage: true });
  });

  it("shows prompts read-only: the newest version, then an older one", async () => {
    for (const content of ["You are terse.", "You are terse and kind."]) {
      const response = await fetch(`${baseUrl}/api/public/v2/prompts`, {
        method: "POST",
        headers: { authorization: t.project.basic, "content-type": "application/json" },
        body: JSON.stringify({ name: "support/greeting", type: "chat", prompt: [{ role: "system", content }], labels: [] }),
      });
      expect(response.status).toBe(201);
    }
    await page.getByRole("link", { name: "Prompts", exact: true }).click();
    await page.getByRole("link", { name: "support/greeting" }).click();
    const version = page.getByRole("article", { name: "Prompt version" });
    await version.getByText("Version 2").waitFor();
    expect(await version.locator(".message").allTextContents()).toEqual(["systemYou are terse and kind."]);
    await page.getByRole("link", { name: "v1", exact: true }).click();
    await version.getByText("Version 1").waitFor();
    expect(await version.locator(".message").allTextContents()).toEqual(["systemYou are terse."]);
    await page.screenshot({ path: join(ARTIFACTS, "prompt.png"), fullPage: true });
  });

  it("draws the dashboard: the totals, the charts with their numbers on hover and in their tables", async () => {
    await page.getByRole("link", { name: "Dashboard", exact: true }).click();
    await page.waitForURL("**/dashboard");
    // One generation of $0.0075 and 1,500 tokens; 4 observations under it and the 10,000 of the big trace.
    await expect.poll(() => page.locator('[data-kpi="cost"]').textContent(), { timeout: 30_000 }).toBe("$0.0075");
    expect(await page.locator('[data-kpi="observations"]').textContent()).toBe("10,004");
    expect(await page.locator('[data-kpi="traces"]').textContent()).toBe("2");
    expect(await page.locator('[data-kpi="tokens"]').textContent()).toBe("1,500");

    const costs = page.getByRole("figure", { name: "Cost by model" });
    expect(await costs.locator("canvas").count()).toBeGreaterThan(0);
    // Each chart has a query of its own, which may answer after the totals' one.
    await expect.poll(() => costs.locator("table thead").textContent(), { timeout: 30_000 }).toContain("gpt-4o");
    expect(await costs.locator("table tbody").textContent()).toContain("$0.0075");
    // The chart's own tooltip names the series under the pointer.
    const box = (await costs.locator("canvas").first().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    await expect.poll(() => costs.textContent()).toMatch(/gpt-4o.*\$/);

    const latency = page.getByRole("figure", { name: "Generation latency by name (p50, p95)" });
    await expect.poll(() => latency.locator("table tbody tr").allTextContents(), { timeout: 30_000 }).toEqual(["answer1.00 s1.00 s"]);
    const tokens = page.getByRole("figure", { name: "Tokens by model" });
    await expect.poll(() => tokens.locator("table tbody tr").allTextContents(), { timeout: 30_000 }).toEqual(["gpt-4o1,200300"]);
    await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });

    await page.getByLabel("Time range").selectOption("24h");
    await page.waitForURL((url) => url.searchParams.get("range") === "24h");
    expect(await page.getByText("Hourly buckets, UTC").count()).toBe(1);
  });

  it("finds traces by part of their name, and a trace by its id", async () => {
    await page.getByRole("link", { name: "Traces", exact: true }).click();
    await page.getByLabel("Search").fill("checkout-ch");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((url) => url.searchParams.get("search") === "checkout-ch");
    const rows = page.locator("table.traces tbody tr");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain("checkout-chat");

    await page.getByLabel("Search").fill(traceId);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.locator(".id-match").getByRole("link", { name: "checkout-chat" }).click();
    await page.waitForURL(`**/traces/${traceId}`);
  });

  it("shows a generation's media as the image it points to, its comments, and a link to its prompt", async () => {
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${baseUrl}/api/public${path}`, { method, headers: { authorization: t.project.basic, "content-type": "application/json" }, body: JSON.stringify(body) });
    const mediaTrace = `media-${Date.now()}`;
    const generationId = `${mediaTrace}-gen`;
    const sha256Hash = createHash("sha256").update(png).digest("base64");
    const announced = (await (await call("POST", "/media", { traceId: mediaTrace, field: "input", contentType: "image/png", contentLength: png.length, sha256Hash })).json()) as {
      mediaId: string;
      uploadUrl: string;
    };
    const put = await fetch(announced.uploadUrl, { method: "PUT", body: png, headers: { "content-type": "image/png", "x-amz-checksum-sha256": sha256Hash } });
    expect(put.status).toBe(200);
    const reported = await call("PATCH", `/media/${announced.mediaId}`, { uploadedAt: new Date().toISOString(), uploadHttpStatus: 200, uploadHttpError: null, uploadTimeMs: 5 });
    expect(reported.status).toBe(200);
    const now = new Date().toISOString();
    const reference = `@@@langfuseMedia:type=image/png|id=${announced.mediaId}|source=bytes@@@`;
    const ingested = await call("POST", "/ingestion", {
      batch: [
        { id: `${mediaTrace}-t`, type: "trace-create", timestamp: now, body: { id: mediaTrace, name: "media-trace" } },
        {
          id: `${mediaTrace}-g`,
          type: "generation-create",
          timestamp: now,
          body: {
            id: generationId,
            traceId: mediaTrace,
            name: "describe",
            startTime: now,
            input: [{ role: "user", content: `What is in this picture? ${reference}` }],
            promptName: "support/greeting",
            promptVersion: 1,
          },
        },
      ],
    });
    expect(ingested.status).toBe(207);
    expect((await call("POST", "/comments", { projectId: t.project.id, objectType: "OBSERVATION", objectId: generationId, content: "Checked by hand." })).status).toBe(200);

    await page.goto(`${baseUrl}/traces/${mediaTrace}`);
    await page.getByRole("tree", { name: "Observations" }).getByRole("treeitem").filter({ hasText: "describe" }).click();
    const detail = page.getByRole("article", { name: "Observation details" });
    const image = detail.getByRole("img", { name: `image/png media ${announced.mediaId}` });
    await image.waitFor();
    await expect.poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await detail.getByRole("region", { name: "Comments" }).textContent()).toContain("Checked by hand.");
    await page.screenshot({ path: join(ARTIFACTS, "media-and-comments.png"), fullPage: true });
    await detail.getByRole("link", { name: "support/greeting v1" }).click();
    await page.waitForURL((url) => url.pathname.endsWith("/prompts/support%2Fgreeting") && url.searchParams.get("version") === "1");
    await page.getByRole("article", { name: "Prompt version" }).getByText("Version 1").waitFor();
  });

  it("signs out and forgets the keys", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Public key").waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
