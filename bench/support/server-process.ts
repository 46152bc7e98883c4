/**
 * Starts Wick as a child process the way a user runs it, for benchmarks that need a real server:
 * `node --import tsx apps/server/src/main.ts` from the repository root. Unlike the `tsx` CLI (which
 * forks a second node process), this makes the child's pid the server process itself, so its
 * resident set size and listening socket can be read from /proc/<pid>.
 *
 * Only 127.0.0.1 is used: the server binds to it and every request goes to it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { envSchema } from "../../apps/server/src/config.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Relative to REPO_ROOT, which is the child's working directory. */
export const SERVER_ENTRY = "apps/server/src/main.ts";
export const LOOPBACK = "127.0.0.1";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface StartServerOptions {
  /** Becomes DATA_DIR; embedded Postgres and ClickHouse live under it. Pass an absolute path. */
  dataDir: string;
  /** Defaults to a free port on 127.0.0.1. */
  port?: number;
  /** Defaults to "warn", so request logs do not flood the captured output. */
  logLevel?: LogLevel;
  /**
   * Extra environment for the server (e.g. LANGFUSE_INIT_*, DATABASE_URL). Wick's own variables
   * inherited from the calling shell are dropped first, so a run is not skewed by a stray
   * DATABASE_URL; a value of `undefined` removes a variable.
   */
  env?: Record<string, string | undefined>;
  /** Bound on spawn → health 200. Default 180 s (a first start runs initdb and migrations). */
  readyTimeoutMs?: number;
  /** Interval between health polls. Default 50 ms. */
  pollIntervalMs?: number;
  /** How much of each of stdout and stderr to keep; later output is read and dropped. Default 1 MiB. */
  outputLimitBytes?: number;
}

export interface StopOptions {
  /** How long to wait for a graceful exit after SIGTERM before sending SIGKILL. Default 30 s. */
  timeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StopResult extends ExitInfo {
  /** SIGTERM → process exit (or, if it had already exited, 0). */
  durationMs: number;
  /** True when SIGTERM was not enough and SIGKILL was sent. */
  killed: boolean;
}

export interface ProcessMemory {
  pid: number;
  name: string;
  rssBytes: number;
}

export interface RssSample {
  /** VmRSS of the server process plus all its descendants. */
  totalBytes: number;
  /** VmHWM (peak resident set) of the server process itself. */
  peakBytes: number;
  /** The server first, then its descendants. */
  processes: ProcessMemory[];
}

/** Servers started by this module and not yet known to have exited; killed if the bench exits. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, LOOPBACK, () => resolve());
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("could not determine a free port");
  return address.port;
}

/** Keeps the first `limit` bytes of a stream's text; the rest is consumed and counted. */
class OutputBuffer {
  private readonly chunks: string[] = [];
  private kept = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const taken = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(taken.toString("utf8"));
    this.kept += taken.length;
    this.dropped += chunk.length - taken.length;
  }

  text(): string {
    return this.chunks.join("");
  }
}

export class WickServer {
  /** Milliseconds from spawn to the first health 200. */
  readyMs = Number.NaN;
  private exitInfo: ExitInfo | undefined;
  private readonly exitPromise: Promise<ExitInfo>;
  private readonly out: OutputBuffer;
  private readonly err: OutputBuffer;
  private readonly outputListeners = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    readonly port: number,
    readonly dataDir: string,
    outputLimit: number,
  ) {
    this.out = new OutputBuffer(outputLimit);
    this.err = new OutputBuffer(outputLimit);
    const notify = () => {
      for (const listener of this.outputListeners) listener();
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      this.out.push(chunk);
      notify();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.err.push(chunk);
      notify();
    });
    // A failed kill() would otherwise surface as an unhandled 'error' event.
    child.on("error", (error) => this.err.push(Buffer.from(`[bench] child process error: ${error.message}\n`)));
    this.exitPromise = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        live.delete(child);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  get baseUrl(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  /** Set once the process has exited. */
  get exited(): ExitInfo | undefined {
    return this.exitInfo;
  }

  stdout(): string {
    return this.out.text();
  }

  stderr(): string {
    return this.err.text();
  }

  /**
   * Spawns the server and resolves once GET /api/public/health answers 200 with status "OK".
   * Rejects (after killing the child) if it exits first or the timeout passes.
   */
  static async start(options: StartServerOptions): Promise<WickServer> {
    const port = options.port ?? (await freePort());
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(envSchema.shape)) delete env[name];
    Object.assign(env, {
      DATA_DIR: options.dataDir,
      PORT: String(port),
      HOST: LOOPBACK,
      LOG_LEVEL: options.logLevel ?? "warn",
    });
    for (const [name, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }

    const started = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", SERVER_ENTRY], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid === undefined) {
      const error = await new Promise<Error>((resolve) => child.once("error", resolve));
      throw new Error(`could not spawn the server: ${error.message}`);
    }
    live.add(child);
    const server = new WickServer(child, child.pid, port, options.dataDir, options.outputLimitBytes ?? 1024 * 1024);

    try {
      await server.waitUntilHealthy(started, options.readyTimeoutMs ?? 180_000, options.pollIntervalMs ?? 50);
    } catch (error) {
      await server.stop({ timeoutMs: 5_000 });
      throw error;
    }
    server.readyMs = performance.now() - started;
    return server;
  }

  private async waitUntilHealthy(started: number, timeoutMs: number, intervalMs: number): Promise<void> {
    const deadline = started + timeoutMs;
    let lastProblem = "no answer yet";
    while (performance.now() < deadline) {
      if (this.exitInfo) {
        throw new Error(`the server exited (${describeExit(this.exitInfo)}) before it was healthy\n${this.outputTail()}`);
      }
      const attempt = performance.now();
      try {
        const response = await this.health(Math.max(1, Math.ceil(Math.min(2_000, deadline - attempt))));
        if (response.status === 200 && response.body.status === "OK") return;
        lastProblem = `health answered ${response.status} ${JSON.stringify(response.body)}`;
      } catch (error) {
        lastProblem = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      }
      const wait = intervalMs - (performance.now() - attempt);
      if (wait > 0) await sleep(wait);
    }
    throw new Error(`the server was not healthy within ${timeoutMs} ms (last: ${lastProblem})\n${this.outputTail()}`);
  }

  /** One GET /api/public/health. */
  async health(timeoutMs = 2_000): Promise<{ status: number; body: { status?: string; version?: string } }> {
    const response = await fetch(`${this.baseUrl}/api/public/health`, { signal: AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs))) });
    const text = await response.text();
    let body: { status?: string; version?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = { status: text.slice(0, 200) };
    }
    return { status: response.status, body };
  }

  /**
   * Waits for the server's first rollup upkeep pass to finish, as its log says, and answers what
   * that pass built; throws when the server never says so.
   */
  async rollupsCurrent(timeoutMs = 600_000): Promise<{ days: number; ms: number }> {
    const said = await this.waitForOutput(/Observation rollups are current: built (\d+) days in (\d+) ms/, timeoutMs);
    if (!said) throw new Error(`the server never said its observation rollups were current\n${this.outputTail()}`);
    return { days: Number(said[1]), ms: Number(said[2]) };
  }

  /**
   * Resolves with the first match of `pattern` in stdout + stderr, waiting up to `timeoutMs` for it
   * to appear; undefined if it does not (or the process exits without printing it).
   */
  async waitForOutput(pattern: RegExp, timeoutMs = 5_000): Promise<RegExpMatchArray | undefined> {
    const find = () => this.stdout().match(pattern) ?? this.stderr().match(pattern) ?? undefined;
    const found = find();
    if (found || this.exitInfo) return found;
    return new Promise((resolve) => {
      const finish = (match: RegExpMatchArray | undefined) => {
        clearTimeout(timer);
        this.outputListeners.delete(listener);
        resolve(match);
      };
      const listener = () => {
        const match = find();
        if (match) finish(match);
      };
      const timer = setTimeout(() => finish(find()), timeoutMs);
      this.outputListeners.add(listener);
      void this.exitPromise.then(() => finish(find()));
    });
  }

  /** Resident memory of the server and any processes it started, from /proc. */
  async rss(): Promise<RssSample> {
    const main = await readStatus(this.pid);
    if (!main) throw new Error(`process ${this.pid} is gone`);
    const processes: ProcessMemory[] = [memoryOf(this.pid, main)];
    for (const pid of await descendantsOf(this.pid)) {
      const status = await readStatus(pid);
      if (status) processes.push(memoryOf(pid, status));
    }
    return {
      totalBytes: processes.reduce((sum, entry) => sum + entry.rssBytes, 0),
      peakBytes: kilobytes(main.get("VmHWM")),
      processes,
    };
  }

  /** CPU time the server process has used so far (user + system, all its threads), from /proc. */
  async cpuSeconds(): Promise<number> {
    return cpuSecondsOf(await readFile(`/proc/${this.pid}/stat`, "utf8"));
  }

  /** The server's command line, as the kernel reports it. */
  async commandLine(): Promise<string[]> {
    const raw = await readFile(`/proc/${this.pid}/cmdline`, "utf8");
    return raw.split("\0").filter((part) => part !== "");
  }

  /** Whether the listening TCP socket on this server's port belongs to this very pid (not a child). */
  async ownsListeningSocket(): Promise<boolean> {
    const inodes = await listeningSocketInodes(this.port);
    if (inodes.size === 0) return false;
    let fds: string[];
    try {
      fds = await readdir(`/proc/${this.pid}/fd`);
    } catch {
      return false;
    }
    for (const fd of fds) {
      const target = await readlink(`/proc/${this.pid}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return true;
    }
    return false;
  }

  /** SIGTERM, wait for the exit (bounded), SIGKILL if it does not come. Safe to call twice. */
  async stop(options: StopOptions = {}): Promise<StopResult> {
    if (this.exitInfo) return { ...this.exitInfo, durationMs: 0, killed: false };
    const started = performance.now();
    this.child.kill("SIGTERM");
    const graceful = await within(this.exitPromise, options.timeoutMs ?? 30_000);
    if (graceful) return { ...graceful, durationMs: performance.now() - started, killed: false };
    this.child.kill("SIGKILL");
    const killed = await within(this.exitPromise, 10_000);
    if (!killed) throw new Error(`process ${this.pid} did not exit even after SIGKILL`);
    return { ...killed, durationMs: performance.now() - started, killed: true };
  }

  /** The last lines of output, for error messages. */
  outputTail(lines = 30): string {
    const tail = (text: string) => text.split("\n").slice(-lines).join("\n").trimEnd();
    const parts = [];
    if (this.stdout().trim()) parts.push(`--- stdout (tail) ---\n${tail(this.stdout())}`);
    if (this.stderr().trim()) parts.push(`--- stderr (tail) ---\n${tail(this.stderr())}`);
    return parts.join("\n") || "(no output)";
  }
}

export function startServer(options: StartServerOptions): Promise<WickServer> {
  return WickServer.start(options);
}

/** The promise's value, or undefined after `ms`; the timer is cleared so it never holds the process open. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const timeout = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, undefined, { signal: timeout.signal }).catch(() => undefined)]);
  } finally {
    timeout.abort();
  }
}

function describeExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

async function readStatus(pid: number): Promise<Map<string, string> | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** "123456 kB" → bytes; missing (e.g. a zombie) → 0. */
function kilobytes(value: string | undefined): number {
  const match = value ? /^(\d+)\s*kB$/.exec(value) : null;
  return match?.[1] ? Number(match[1]) * 1024 : 0;
}

function memoryOf(pid: number, status: Map<string, string>): ProcessMemory {
  return { pid, name: status.get("Name") ?? "?", rssBytes: kilobytes(status.get("VmRSS")) };
}

/** Clock ticks per second of /proc/<pid>/stat times: USER_HZ, 100 on every Linux architecture Node.js runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a /proc/<pid>/stat line; fields are counted after the parenthesised command name, which may hold spaces. */
function cpuSecondsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** All descendants of `root`, found by scanning /proc for parent pids (one pass, no recursion limit issues). */
async function descendantsOf(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readStatus(Number(entry));
    const parent = Number(status?.get("PPid"));
    if (Number.isInteger(parent)) parents.set(Number(entry), parent);
  }
  const found: number[] = [];
  const wanted = new Set([root]);
  // Each pass adds at least one generation; a process tree cannot be deeper than the process count.
  for (let pass = 0; pass <= parents.size; pass += 1) {
    let added = false;
    for (const [pid, parent] of parents) {
      if (wanted.has(parent) && !wanted.has(pid)) {
        wanted.add(pid);
        found.push(pid);
        added = true;
      }
    }
    if (!added) break;
  }
  return found;
}

/** Inodes of sockets in LISTEN state on `port`, from /proc/net/tcp and /proc/net/tcp6. */
async function listeningSocketInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      const inode = fields[9];
      if (!local || !inode || state !== "0A") continue;
      const hexPort = local.slice(local.lastIndexOf(":") + 1);
      if (Number.parseInt(hexPort, 16) === port) inodes.add(inode);
    }
  }
  return inodes;
}
