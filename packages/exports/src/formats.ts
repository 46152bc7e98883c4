import { StringDecoder } from "node:string_decoder";
import { Transform, type TransformCallback } from "node:stream";

/** The file types an export writes (Parquet is refused where integrations are configured). */
export type ExportFileType = "JSON" | "CSV" | "JSONL";

export const FILE_TYPES: Record<ExportFileType, { extension: string; contentType: string }> = {
  JSON: { extension: "json", contentType: "application/json" },
  CSV: { extension: "csv", contentType: "text/csv" },
  JSONL: { extension: "jsonl", contentType: "application/x-ndjson" },
};

/** A CSV field: quoted when it holds a separator, quote or line break; objects as their JSON text. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Turns ClickHouse's `JSONEachRow` output (one JSON object per line) into the file type, counting
 * rows as they pass; memory use is one line, whatever the table's size.
 */
export class RowFormatter extends Transform {
  rows = 0;
  private pending = "";
  /** Keeps a character split across chunks whole. */
  private readonly decoder = new StringDecoder("utf8");
  private columns: string[] | undefined;

  constructor(private readonly fileType: ExportFileType) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.pending + this.decoder.write(chunk);
    const lines = text.split("\n");
    this.pending = lines.pop() ?? "";
    const out = lines.filter((line) => line.length > 0).map((line) => this.formatted(line));
    done(null, out.join(""));
  }

  override _flush(done: TransformCallback): void {
    const rest = this.pending + this.decoder.end();
    let out = rest.length > 0 ? this.formatted(rest) : "";
    if (this.fileType === "JSON") out += this.rows === 0 ? "[]" : "\n]\n";
    done(null, out);
  }

  private formatted(line: string): string {
    this.rows += 1;
    if (this.fileType === "JSONL") return `${line}\n`;
    if (this.fileType === "JSON") return `${this.rows === 1 ? "[\n" : ",\n"}${line}`;
    const row = JSON.parse(line) as Record<string, unknown>;
    let header = "";
    if (!this.columns) {
      this.columns = Object.keys(row);
      header = `${this.columns.map(csvField).join(",")}\n`;
    }
    return `${header}${this.columns.map((column) => csvField(row[column])).join(",")}\n`;
  }
}
