import { randomBytes } from "node:crypto";
import { DiskObjectStore, S3ObjectStore, UrlSigner, type ObjectStore } from "@wick/object-store";
import type { SettingsRepository } from "@wick/postgres";
import type { MediaStoreConfig } from "./config.ts";

/**
 * The configured media store. The local store's URL-signing key is generated on first use and kept
 * in Postgres beside the key salt, so URLs signed before a restart still work after it.
 */
export function openObjectStore(config: MediaStoreConfig, settings: SettingsRepository): ObjectStore {
  if (config.kind === "s3") return new S3ObjectStore(config);
  const signer = new UrlSigner(async () => Buffer.from(await settings.getOrCreate("media_url_signing_key", () => randomBytes(32).toString("hex")), "hex"));
  return new DiskObjectStore(config.dir, signer, { publicOrigin: config.publicUrl });
}
