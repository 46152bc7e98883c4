/**
 * `pnpm bench prompts`: `GET /api/public/v2/prompts/{name}` as the SDKs call it, for a chat prompt
 * composed of three text snippets (two levels deep, by label), on embedded storage and on a Postgres
 * server (DATABASE_URL, default the local one; the benchmark creates and drops a database of its own).
 *
 * (a) cached: one client, then many concurrent ones, reading the same prompt from Wick's
 *     resolved-prompt cache (one client shows the latency; many show the throughput);
 * (b) after an invalidating write: one client alternating a label update in the project (untimed)
 *     with a read (timed), so every timed read resolves the composition from Postgres again.
 *
 * The load comes from a separate process (bench/support/http-load.ts). Figures are printed, never asserted.
 */
import { randomUUID } from "node:crypto";
import { cpus } from "node:os";
import { openPostgres } from "../packages/postgres/src/index.ts";
import { runLoad, type LoadResult, type RequestSpec } from "./support/http-load.ts";
import { BenchProject } from "./support/bench-project.ts";
import type { WickServer } from "./support/server-process.ts";
import { ms, printTable } from "./support/stats.ts";

const CONCURRENCY = 16;
const DURATION_MS = 4_000;
const WARMUP_MS = 1_000;
const ROUNDS_AFTER_WRITE = 300;
const GOAL_CACHED_P99 = "< 5 ms";
const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres:postgres@localhost:5432/postgres";

const project = new BenchProject("prompts");
const { authorization } = project;
const PROMPT = "support/triage";

const tag = (name: string) => `@@@langfusePrompt:name=${name}|label=production@@@`;

/** The prompts an SDK user would compose: a persona made of a tone snippet, plus a policy snippet. */
const seed = [
  { name: "snippets/tone", prompt: "Be concise and friendly; answer in {{language}}.", labels: ["production"] },
  { name: "snippets/persona", prompt: `You are a support agent for {{company}}. ${tag("snippets/tone")}`, labels: ["production"] },
  { name: "snippets/refunds", prompt: "Refunds are possible within 30 days of delivery.", labels: ["production"] },
  {
    name: PROMPT,
    type: "chat",
    labels: ["production"],
    config: { model: "gpt-4o-mini", temperature: 0.2 },
    prompt: [
      { role: "system", content: `${tag("snippets/persona")}\nPolicy: ${tag("snippets/refunds")}` },
      { type: "placeholder", name: "history" },
      { role: "user", content: "{{question}}" },
    ],
  },
];

async function send(server: WickServer, request: Omit<RequestSpec, "url"> & { path: string }): Promise<void> {
  const response = await fetch(`${server.baseUrl}${request.path}`, {
    method: request.method,
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify(request.body),
  });
  if (!response.ok) throw new Error(`${request.method} ${request.path} answered ${response.status}: ${await response.text()}`);
}

interface Figures {
  single: LoadResult;
  loaded: LoadResult;
  afterWrite: LoadResult;
}

async function measure(server: WickServer): Promise<Figures> {
  for (const prompt of seed) await send(server, { method: "POST", path: "/api/public/v2/prompts", body: prompt });
  const read = { url: `${server.baseUrl}/api/public/v2/prompts/${encodeURIComponent(PROMPT)}`, headers: { authorization } };
  // Adding no label still counts as a write: it invalidates every cached prompt of the project.
  const write = {
    method: "PATCH",
    url: `${server.baseUrl}/api/public/v2/prompts/${encodeURIComponent("snippets/refunds")}/versions/1`,
    headers: { authorization },
    body: { newLabels: [] },
  };
  const single = await runLoad({ kind: "steady", read, concurrency: 1, durationMs: DURATION_MS, warmupMs: WARMUP_MS });
  const loaded = await runLoad({ kind: "steady", read, concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS });
  const afterWrite = await runLoad({ kind: "after-write", read, write, rounds: ROUNDS_AFTER_WRITE });
  return { single, loaded, afterWrite };
}

function withServer<T>(env: Record<string, string>, work: (server: WickServer) => Promise<T>): Promise<T> {
  return project.withFreshServer(work, env);
}

/** A database of the benchmark's own on the Postgres server, dropped afterwards. */
async function withServerDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const admin = await openPostgres({ kind: "server", url: SERVER_URL, poolSize: 1 });
  const database = `wick_bench_prompts_${randomUUID().replaceAll("-", "")}`;
  try {
    await admin.execute(`create database ${database}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${database}`;
    return await work(url.toString());
  } finally {
    await admin.execute(`drop database if exists ${database} with (force)`);
    await admin.close();
  }
}

function rows(storage: string, { single, loaded, afterWrite }: Figures): Array<[string, string, string?]> {
  return [
    [`${storage}: cached, 1 client, requests/s`, single.perSecond.toFixed(0)],
    [`${storage}: cached, 1 client, p50 / p99`, `${ms(single.p50Ms)} / ${ms(single.p99Ms)}`, GOAL_CACHED_P99],
    [`${storage}: cached, ${CONCURRENCY} clients, requests/s`, loaded.perSecond.toFixed(0)],
    [`${storage}: cached, ${CONCURRENCY} clients, p50 / p99`, `${ms(loaded.p50Ms)} / ${ms(loaded.p99Ms)}`],
    [`${storage}: after a write, 1 client, reads/s`, afterWrite.perSecond.toFixed(0)],
    [`${storage}: after a write, 1 client, p50 / p99`, `${ms(afterWrite.p50Ms)} / ${ms(afterWrite.p99Ms)}`],
  ];
}

export async function run(): Promise<void> {
  console.log(`prompts: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`);
  console.log(`reading '${PROMPT}' (chat, composed of 3 snippets, 2 levels deep); load from a separate process`);
  const embedded = await withServer({}, measure);
  const server = await withServerDatabase((url) => withServer({ DATABASE_URL: url }, measure));
  printTable("GET /api/public/v2/prompts/{name}", [...rows("embedded", embedded), ...rows("Postgres server", server)]);
}
