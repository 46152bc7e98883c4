import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { basicAuthHeader } from "../test/support/harness.ts";
import { startServerProcess, type ServerProcess } from "../test/support/server-process.ts";

/**
 * `short` (the default, what CI runs) or `full` (`WICK_RELIABILITY=full`): each check scales its
 * request counts, cycles and durations by it.
 */
export const FULL = process.env.WICK_RELIABILITY === "full";
export const scaled = (short: number, full: number) => (FULL ? full : short);

/** One line per check, the figure a reader looks for, printed whatever the outcome. */
export function figure(check: string, text: string): void {
  process.stdout.write(`[reliability] ${check}: ${text}\n`);
}

/** A deterministic pseudo-random sequence, so that a failure can be replayed from its seed. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]! };
}

export interface Credentials {
  publicKey: string;
  secretKey: string;
  authorization: string;
}

export const INIT_KEYS = { publicKey: "pk-lf-reliability", secretKey: "sk-lf-reliability" };
export const ADMIN_API_KEY = "reliability-admin-key";

export interface ReliabilityServer {
  server: ServerProcess;
  dataDir: string;
  project: Credentials;
  /** Removes the data directory. */
  remove(): Promise<void>;
  /** Kills the server, waits for it to exit, and removes its data directory. */
  stop(): Promise<void>;
}

/** A server process on a data directory of its own, with a known project key pair and the admin API. */
export async function startReliabilityServer(env: Record<string, string> = {}, dataDir?: string): Promise<ReliabilityServer> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), "wick-reliability-")));
  const server = await startServerProcess({
    DATA_DIR: dir,
    ADMIN_API_KEY,
    LANGFUSE_INIT_ORG_ID: "reliability-org",
    LANGFUSE_INIT_PROJECT_ID: "reliability-project",
    LANGFUSE_INIT_PROJECT_PUBLIC_KEY: INIT_KEYS.publicKey,
    LANGFUSE_INIT_PROJECT_SECRET_KEY: INIT_KEYS.secretKey,
    ...env,
  });
  const remove = () => rm(dir, { recursive: true, force: true });
  return {
    server,
    dataDir: dir,
    project: { ...INIT_KEYS, authorization: basicAuthHeader(INIT_KEYS.publicKey, INIT_KEYS.secretKey) },
    remove,
    stop: async () => {
      server.child.kill("SIGKILL");
      await server.exited;
      await remove();
    },
  };
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** A second project with a key pair of its own, made through the admin and organization APIs; with the id and organization key that manage it. */
export async function createProject(baseUrl: string, name: string): Promise<Credentials & { projectId: string; orgAuthorization: string }> {
  const orgKey = await json(
    await fetch(`${baseUrl}/api/admin/organizations/reliability-org/apiKeys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ note: name }),
    }),
  );
  const orgAuth = basicAuthHeader(orgKey.publicKey as string, orgKey.secretKey as string);
  const project = await json(
    await fetch(`${baseUrl}/api/public/projects`, { method: "POST", headers: { authorization: orgAuth, "content-type": "application/json" }, body: JSON.stringify({ name }) }),
  );
  const key = await json(
    await fetch(`${baseUrl}/api/public/projects/${project.id as string}/apiKeys`, {
      method: "POST",
      headers: { authorization: orgAuth, "content-type": "application/json" },
      body: "{}",
    }),
  );
  return {
    publicKey: key.publicKey as string,
    secretKey: key.secretKey as string,
    authorization: basicAuthHeader(key.publicKey as string, key.secretKey as string),
    projectId: project.id as string,
    orgAuthorization: orgAuth,
  };
}
