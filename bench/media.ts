/**
 * `pnpm bench media`: upload throughput of media through the SDK flow (POST /api/public/media,
 * PUT to the signed URL, PATCH the report) on the local store, 8 clients, next to writing the same
 * bytes to files on the same disk directly (with and without fsync; Wick's store syncs each file
 * before renaming it into place). Then the same flow with 50 MB files, to show that the server's
 * resident memory does not grow with the size of a file (it streams, never buffers). Figures are
 * printed, never asserted.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { BenchProject } from "./support/bench-project.ts";
import type { WickServer } from "./support/server-process.ts";
import { mb, printTable } from "./support/stats.ts";

const CLIENTS = 8;
const SMALL_FILES = 160;
const SMALL_BYTES = 1_000_000;
const LARGE_FILES = 8;
const LARGE_BYTES = 50_000_000;
const GOAL_RATIO = "≥ 0.7× direct";

const project = new BenchProject("media");

interface File {
  bytes: Buffer;
  sha256: string;
}

/** Distinct files (no two deduplicate), hashed before any clock starts. */
function files(count: number, size: number): File[] {
  const base = randomBytes(size);
  return Array.from({ length: count }, (_, index) => {
    const bytes = Buffer.from(base);
    bytes.writeUInt32BE(index, 0);
    bytes.writeUInt32BE(Math.floor(Math.random() * 2 ** 32), 4);
    return { bytes, sha256: createHash("sha256").update(bytes).digest("base64") };
  });
}

/** Runs `work` on every file with `CLIENTS` at a time; returns MB/s. */
async function throughput(all: File[], work: (file: File, index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < all.length) {
        const index = next++;
        await work(all[index]!, index);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return all.reduce((sum, file) => sum + file.bytes.length, 0) / 1e6 / seconds;
}

async function api(server: WickServer, method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.baseUrl}/api/public${path}`, {
    method,
    headers: { authorization: project.authorization, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** The whole SDK flow for one file. */
async function upload(server: WickServer, file: File, index: number): Promise<void> {
  const { mediaId, uploadUrl } = await api(server, "POST", "/media", {
    traceId: `bench-trace-${index}`,
    field: "input",
    contentType: "application/octet-stream",
    contentLength: file.bytes.length,
    sha256Hash: file.sha256,
  });
  const started = performance.now();
  const put = await fetch(uploadUrl as string, {
    method: "PUT",
    body: file.bytes,
    headers: { "content-type": "application/octet-stream", "x-amz-checksum-sha256": file.sha256 },
  });
  const error = await put.text();
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}: ${error.slice(0, 300)}`);
  await api(server, "PATCH", `/media/${mediaId}`, {
    uploadedAt: new Date().toISOString(),
    uploadHttpStatus: put.status,
    uploadHttpError: null,
    uploadTimeMs: performance.now() - started,
  });
}

/** The same bytes written to files in a directory beside the server's data, 8 writers at a time. */
async function direct(dir: string, all: File[], flush: boolean): Promise<number> {
  await mkdir(dir, { recursive: true });
  try {
    return await throughput(all, (file, index) => writeFile(join(dir, `${index}.bin`), file.bytes, { flush }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const small = files(SMALL_FILES, SMALL_BYTES);
  await project.withFreshServer(async (server) => {
    // A few uploads first, so the figures leave out start-up work (JIT, the first Postgres queries).
    await throughput(files(CLIENTS, SMALL_BYTES), (file, index) => upload(server, file, -1 - index));
    const rssBefore = await server.rss();
    const wick = await throughput(small, (file, index) => upload(server, file, index));
    const rssSmall = await server.rss();
    const synced = await direct(join(server.dataDir, "..", `direct-${process.pid}`), small, true);
    const unsynced = await direct(join(server.dataDir, "..", `direct-${process.pid}`), small, false);

    const large = files(LARGE_FILES, LARGE_BYTES);
    const wickLarge = await throughput(large, (file, index) => upload(server, file, 10_000 + index));
    const rssLarge = await server.rss();

    printTable(`${SMALL_FILES} files of 1 MB, ${CLIENTS} clients`, [
      ["Wick: POST → PUT → PATCH (local store)", `${wick.toFixed(0)} MB/s`],
      ["direct writes with fsync", `${synced.toFixed(0)} MB/s`],
      ["direct writes without fsync", `${unsynced.toFixed(0)} MB/s`],
      ["Wick / direct with fsync", `${(wick / synced).toFixed(2)}×`, GOAL_RATIO],
      ["Wick / direct without fsync", `${(wick / unsynced).toFixed(2)}×`],
      [`Wick with ${LARGE_FILES} files of 50 MB`, `${wickLarge.toFixed(0)} MB/s`],
    ]);
    printTable("server memory", [
      ["RSS before the uploads", mb(rssBefore.totalBytes)],
      ["RSS after the 1 MB files", mb(rssSmall.totalBytes)],
      ["RSS after the 50 MB files", mb(rssLarge.totalBytes), "no growth with file size"],
      ["peak RSS over the run", mb(rssLarge.peakBytes)],
    ]);
  });
}
