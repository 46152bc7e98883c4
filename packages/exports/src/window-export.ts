import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable, type Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { ClickHouseClient } from "@clickhouse/client";
import { clickHouseInstant } from "@wick/clickhouse";
import { type ExportFileType, FILE_TYPES, RowFormatter } from "./formats.ts";
import type { FieldGroup } from "./observation-fields.ts";
import { type ExportTable, keyAfter, PAGE_ROWS, windowPageQuery } from "./tables.ts";
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
  /** The field groups of observation files; every group when not given. */
  fieldGroups?: readonly FieldGroup[];
  /** Rows read per statement; `PAGE_ROWS` unless a test wants many pages. */
  pageRows?: number;
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

/** The JSONEachRow bytes of a table's rows in the window, page after page. */
async function* windowRows(client: ClickHouseClient, table: ExportTable, request: WindowExport): AsyncIterable<Buffer> {
  const pageRows = request.pageRows ?? PAGE_ROWS;
  const bounds = { projectId: request.projectId, from: clickHouseInstant(request.window.from), to: clickHouseInstant(request.window.to), pageRows };
  let after: Record<string, unknown> | undefined;
  for (;;) {
    const result = await client.exec({ query: windowPageQuery(table, after !== undefined, request.fieldGroups), query_params: { ...bounds, ...after } });
    const page = new PageEnd();
    for await (const chunk of result.stream as AsyncIterable<Buffer>) {
      page.see(chunk);
      yield chunk;
    }
    if (page.rows < pageRows) return;
    after = keyAfter(table, JSON.parse(page.lastLine));
  }
}

/** Counts a page's lines and keeps its last one, whatever the chunks it comes in. */
class PageEnd {
  rows = 0;
  lastLine = "";
  /** The bytes after the last line break seen. */
  private partial: Buffer = Buffer.alloc(0);

  see(chunk: Buffer): void {
    const end = chunk.lastIndexOf(10);
    if (end === -1) {
      this.partial = Buffer.concat([this.partial, chunk]);
      return;
    }
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.rows += 1;
    const start = chunk.lastIndexOf(10, end - 1);
    this.lastLine = (start === -1 ? Buffer.concat([this.partial, chunk.subarray(0, end)]) : chunk.subarray(start + 1, end)).toString("utf8");
    this.partial = chunk.subarray(end + 1);
  }
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
      const formatter = new RowFormatter(request.fileType);
      const stages: Array<Readable | Transform> = [Readable.from(windowRows(client, table, request)), formatter];
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
