import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import type { ObjectStore } from "@wick/object-store";

/** Where export files go. A file is written whole under its key, replacing one of the same key. */
export interface ExportTarget {
  putFile(key: string, path: string, contentType: string): Promise<void>;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("base64");
}

/** A bucket, through the object store's own client (S3-compatible servers, or the local store). */
export function objectStoreTarget(store: ObjectStore): ExportTarget {
  return {
    async putFile(key, path, contentType) {
      const [{ size }, sha256] = await Promise.all([stat(path), sha256Of(path)]);
      await store.put({ key, contentType, contentLength: size, sha256 }, createReadStream(path));
    },
  };
}

/** A directory: each key a file under it, copied in beside its place and renamed into it. */
export function directoryTarget(root: string): ExportTarget {
  const base = resolve(root);
  return {
    async putFile(key, path) {
      const target = resolve(base, key);
      if (relative(base, target).startsWith(`..${sep}`) || target === base) throw new Error(`export key ${key} leaves the export directory`);
      await mkdir(dirname(target), { recursive: true });
      const temporary = join(dirname(target), `.${process.pid}-${Date.now()}.partial`);
      try {
        await copyFile(path, temporary);
        await rename(temporary, target);
      } finally {
        await rm(temporary, { force: true });
      }
    },
  };
}
