import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WickServer } from "./server-process.ts";

/** A known key pair for a benchmark's project, provisioned through Wick's headless initialization. */
export class BenchProject {
  readonly publicKey: string;
  readonly secretKey: string;
  readonly authorization: string;

  constructor(readonly name: string) {
    this.publicKey = `pk-lf-bench-${name}`;
    this.secretKey = `sk-lf-bench-${name}`;
    this.authorization = `Basic ${Buffer.from(`${this.publicKey}:${this.secretKey}`).toString("base64")}`;
  }

  get env(): Record<string, string> {
    return {
      LANGFUSE_INIT_ORG_ID: "bench",
      LANGFUSE_INIT_PROJECT_ID: "bench",
      LANGFUSE_INIT_PROJECT_PUBLIC_KEY: this.publicKey,
      LANGFUSE_INIT_PROJECT_SECRET_KEY: this.secretKey,
    };
  }

  /** Runs `work` against a Wick started on a fresh data directory, removed afterwards. */
  async withFreshServer<T>(work: (server: WickServer) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
    const dataDir = await mkdtemp(join(tmpdir(), `wick-bench-${this.name}-`));
    const server = await WickServer.start({ dataDir, env: { ...this.env, ...env } });
    try {
      return await work(server);
    } finally {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}
