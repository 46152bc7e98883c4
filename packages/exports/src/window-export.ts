import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { ClickHouseClient } from "@clickhouse/client";
import { clickHouseInstant } from "@wick/clickhouse";
import { type ExportFileType, FILE_TYPES, RowFormatter } from "./formats.ts";
import { type ExportTable, windowQuery } from "./tables.ts";
import type { ExportTarget } from "./targets.ts";

export interface WindowExport {
  projectId: string;
  /** Rows whose time lies in [from, to). */
  window: { from: Date; to: Date };
  tables: ExportTable[];
  fileType: ExportFileType;
  /** Gzip the files. */
  compressed: boolean;
  /** Prepended to every key; empty or ending with `/`. */
  prefix: string;
  /** What the manifest names as the export's source. */
  exportSource: string;
}

/** One file of an export, as the manifest lists it. */
export interface ExportedFile {
  key: string;
  table: ExportTable;
  fileType: ExportFileType;
  format: string;
  compressed: boolean;
  contentType: string;
  sizeBytes: number;
  rowCount: number;
}

/** The window end as the reference writes it in keys: seconds, with `-` for the colons. */
const keyStamp = (at: Date) => at.toISOString().slice(0, 19).replaceAll(":", "-");

/**
 * Writes one window of a project's tables to the target: a file per table, then the manifest that
 * lists them (resources.md §8.4). Keys depend on the window alone, so a run that stopped halfway
 * and is run again replaces its files rather than adding to them; a reader trusts a window once
 * its manifest is there. Each file is built in `scratchDir` first, so the target gets it whole.
 */
export async function exportWindow(
  client: ClickHouseClient,
  target: ExportTarget,
  request: WindowExport,
  scratchDir: string,
): Promise<{ manifestKey: string; files: ExportedFile[] }> {
  await mkdir(scratchDir, { recursive: true });
  const stamp = keyStamp(request.window.to);
  const { extension, contentType } = FILE_TYPES[request.fileType];
  const files: ExportedFile[] = [];
  for (const table of request.tables) {
    const key = `${request.prefix}${request.projectId}/${table}/${stamp}.${extension}${request.compressed ? ".gz" : ""}`;
    const path = join(scratchDir, randomUUID());
    try {
      const result = await client.exec({
        query: windowQuery(table),
        query_params: { projectId: request.projectId, from: clickHouseInstant(request.window.from), to: clickHouseInstant(request.window.to) },
      });
      const formatter = new RowFormatter(request.fileType);
      const stages: Array<Readable | Transform> = [result.stream, formatter];
      if (request.compressed) stages.push(createGzip());
      await pipeline([...stages, createWriteStream(path)]);
      const fileContentType = request.compressed ? "application/gzip" : contentType;
      await target.putFile(key, path, fileContentType);
      const { size } = await stat(path);
      files.push({
        key,
        table,
        fileType: request.fileType,
        format: extension,
        compressed: request.compressed,
        contentType: fileContentType,
        sizeBytes: size,
        rowCount: formatter.rows,
      });
    } finally {
      await rm(path, { force: true });
    }
  }
  const manifestKey = `${request.prefix}${request.projectId}/manifests/${stamp}.json`;
  const manifest = {
    version: 1,
    projectId: request.projectId,
    exportSource: request.exportSource,
    window: { minTimestamp: request.window.from.toISOString(), maxTimestamp: request.window.to.toISOString() },
    maxTimestamp: request.window.to.toISOString(),
    createdAt: new Date().toISOString(),
    tables: request.tables,
    files,
  };
  const manifestPath = join(scratchDir, randomUUID());
  try {
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await target.putFile(manifestKey, manifestPath, "application/json");
  } finally {
    await rm(manifestPath, { force: true });
  }
  return { manifestKey, files };
}
