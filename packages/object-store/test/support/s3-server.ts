import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3StoreConfig } from "../../src/s3-store.ts";

export interface LocalS3Server {
  /** Settings of an S3 store on the server's one bucket. */
  config: S3StoreConfig;
  close(): Promise<void>;
}

/**
 * A real S3-protocol server on a free loopback port (s3rver, files in a temporary directory), with
 * one bucket. It checks presigned signatures, including the signed headers, as S3 does.
 */
export async function startLocalS3(bucket = "media"): Promise<LocalS3Server> {
  const directory = await mkdtemp(join(tmpdir(), "wick-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    config: {
      bucket,
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      // s3rver's built-in account.
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
      prefix: "",
    },
    close: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
