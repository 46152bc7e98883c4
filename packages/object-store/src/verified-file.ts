import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ObjectStoreRefusal } from "./errors.ts";

export interface Expected {
  contentLength: number;
  /** Base64 SHA-256 of the bytes. */
  sha256: string;
}

/**
 * Streams bytes into a temporary file beside the store, checks their length and SHA-256, and only
 * then renames the file into place, so a reader never sees a partial or unverified object and a
 * refused upload leaves nothing behind. Memory use is one chunk, whatever the file's size.
 */
export async function writeVerifiedFile(incomingDir: string, target: string, body: Readable, expected: Expected): Promise<void> {
  await mkdir(incomingDir, { recursive: true });
  const temporary = join(incomingDir, randomUUID());
  // Created before the pipeline starts: a stream that opened its file lazily could create it after
  // a refusal had already removed it, leaving a stray file behind.
  const file = await open(temporary, "wx");
  const hash = createHash("sha256");
  let length = 0;
  try {
    await pipeline(
      body,
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          length += chunk.length;
          // Stop reading at once: a client must not fill the disk past what it signed for.
          if (length > expected.contentLength) throw new ObjectStoreRefusal(400, "IncompleteBody", "The request body is longer than its signed Content-Length");
          hash.update(chunk);
          yield chunk;
        }
      },
      // `flush`: on disk before the rename makes it visible, so a crash leaves the whole object or none.
      createWriteStream(temporary, { fd: file, flush: true }),
    );
    if (length !== expected.contentLength) throw new ObjectStoreRefusal(400, "IncompleteBody", "The request body is shorter than its signed Content-Length");
    if (hash.digest("base64") !== expected.sha256) {
      throw new ObjectStoreRefusal(400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.");
    }
    await mkdir(dirname(target), { recursive: true });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
