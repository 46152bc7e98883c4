/**
 * `npm run bench ui`: the web UI in headless Chromium, as a user meets it. The production bundle's
 * size (gzipped, the first page apart from the chunks loaded later), the trace list's time to
 * its first rows over the seeded 1 M traces, and the time to show a trace of 10,000 observations
 * (tree and waterfall), then to move through it with the keyboard.
 *
 * Needs Chromium (Debian's `chromium`, or CHROMIUM_PATH). Figures are printed, never asserted.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium, type Page } from "playwright-core";
import { BenchProject } from "./support/bench-project.ts";
import { post } from "./support/http-post.ts";
import { largeTraceBatches } from "./support/large-trace.ts";
import { SEED, seedEnv, seededDataDir } from "./support/seed.ts";
import { WickServer } from "./support/server-process.ts";
import { ms, percentile, printTable } from "./support/stats.ts";

const WEB_ROOT = fileURLToPath(new URL("../apps/web/", import.meta.url));
/** What `npm run build:web` writes, and where the server looks for the UI by default. */
const WEB_DIST = join(WEB_ROOT, "dist");
const LIST_RUNS = 10;
const TRACE_OBSERVATIONS = 10_000;
const TRACE_RUNS = 5;
const KEY_PRESSES = 200;

function chromiumPath(): string | undefined {
  const candidates = process.env.CHROMIUM_PATH !== undefined ? [process.env.CHROMIUM_PATH] : ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((path) => path !== "" && existsSync(path));
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** Gzipped sizes of the built scripts and styles: those index.html loads, and the chunks loaded later. */
async function bundleSizes(): Promise<{ firstPage: number; later: Array<[string, number]> }> {
  const index = await readFile(join(WEB_DIST, "index.html"), "utf8");
  const assets = await readdir(join(WEB_DIST, "assets"));
  let firstPage = 0;
  const later: Array<[string, number]> = [];
  for (const file of assets.filter((name) => /\.(js|css)$/.test(name))) {
    const gzipped = gzipSync(await readFile(join(WEB_DIST, "assets", file))).length;
    if (index.includes(`/assets/${file}`)) firstPage += gzipped;
    else later.push([file.replace(/-[\w-]{8}\./, "."), gzipped]);
  }
  return { firstPage, later };
}

async function signIn(page: Page, baseUrl: string, publicKey: string, secretKey: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel("Public key").fill(publicKey);
  await page.getByLabel("Secret key").fill(secretKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("table.traces tbody tr").first().waitFor({ timeout: 60_000 });
}

/** Milliseconds from navigating to `url` (a fresh page load) until `ready` resolves, `runs` times. */
async function timeLoads(page: Page, url: string, runs: number, ready: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await page.goto(url);
    await ready();
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function run(): Promise<void> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    console.log("ui: skipped, no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)");
    return;
  }
  const built = performance.now();
  const { status } = spawnSync("npm", ["run", "--silent", "build:web"], { stdio: "inherit" });
  if (status !== 0) throw new Error("npm run build:web failed");
  const buildMs = performance.now() - built;
  const sizes = await bundleSizes();

  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const server = await WickServer.start({ dataDir: await seededDataDir(), env: seedEnv });
    let list: number[];
    try {
      await signIn(page, server.baseUrl, SEED.publicKey, SEED.secretKey);
      list = await timeLoads(page, `${server.baseUrl}/traces`, LIST_RUNS, () => page.locator("table.traces tbody tr").first().waitFor());
    } finally {
      await server.stop();
    }

    const project = new BenchProject("ui");
    const { trace, read, keys } = await project.withFreshServer(async (fresh) => {
      const traceId = randomUUID();
      const headers = { authorization: project.authorization, "content-type": "application/json" };
      for (const body of largeTraceBatches(traceId, TRACE_OBSERVATIONS, 500)) {
        const answer = await post(`${fresh.baseUrl}/api/public/ingestion`, headers, JSON.stringify(body));
        if (answer.status !== 207 || JSON.parse(answer.text).errors.length > 0) throw new Error(`ingestion failed: ${answer.status} ${answer.text.slice(0, 300)}`);
      }
      const reads: number[] = [];
      for (let run = 0; run < TRACE_RUNS; run += 1) {
        const started = performance.now();
        const response = await fetch(`${fresh.baseUrl}/api/public/traces/${traceId}`, { headers: { authorization: project.authorization } });
        await response.arrayBuffer();
        reads.push(performance.now() - started);
      }
      await signIn(page, fresh.baseUrl, project.publicKey, project.secretKey);
      const tree = page.getByRole("tree", { name: "Observations" });
      const shown = () => tree.locator(".bar").first().waitFor({ timeout: 120_000 });
      const samples = await timeLoads(page, `${fresh.baseUrl}/traces/${traceId}`, TRACE_RUNS, shown);
      // Keyboard moves through the tree, each selecting the next observation and showing its details.
      await tree.getByRole("treeitem").first().click();
      const moved = performance.now();
      for (let press = 0; press < KEY_PRESSES; press += 1) await page.keyboard.press("ArrowDown");
      await page.getByRole("article", { name: "Observation details" }).waitFor();
      return { trace: samples, read: reads, keys: (performance.now() - moved) / KEY_PRESSES };
    });

    printTable("web UI (headless Chromium, embedded storage)", [
      ["production build", `${(buildMs / 1000).toFixed(1)} s`],
      ["first page, scripts and styles, gzipped", kb(sizes.firstPage), "< 300 kB"],
      ...sizes.later.map(([file, size]): [string, string] => [`loaded later: ${file}, gzipped`, kb(size)]),
      [`trace list over ${SEED.traces / 1e6} M traces: page load to first rows`, `p50 ${ms(percentile(list, 50))} · p95 ${ms(percentile(list, 95))}`],
      [`trace of ${TRACE_OBSERVATIONS.toLocaleString("en")} observations: page load to tree and waterfall`, `p50 ${ms(percentile(trace, 50))} · p95 ${ms(percentile(trace, 95))}`],
      ["of which the API's read of the trace, alone", `p50 ${ms(percentile(read, 50))} · p95 ${ms(percentile(read, 95))}`],
      [`one arrow-key move in that tree (mean of ${KEY_PRESSES})`, ms(keys)],
    ]);
  } finally {
    await browser.close();
  }
}
