/** Percentile by nearest rank over a copy of the samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const micros = (value: number) => `${value.toFixed(0)} µs`;

/** Prints rows as a Markdown table with a header. */
export function printTable(title: string, rows: Array<[string, string, string?]>): void {
  printColumns(
    title,
    ["value"],
    rows.map(([name, value, goal]) => [name, [value], goal]),
  );
}

/** Prints rows of several values each (one column per header) as a Markdown table. */
export function printColumns(title: string, headers: string[], rows: Array<[string, string[], string?]>): void {
  const width = Math.max(title.length, ...rows.map(([name]) => name.length));
  const widths = headers.map((header, column) => Math.max(5, header.length, ...rows.map(([, values]) => (values[column] ?? "").length)));
  const cells = (values: string[]) => values.map((value, column) => ` ${value.padEnd(widths[column]!)} |`).join("");
  console.log(`| ${title.padEnd(width)} |${cells(headers)} goal |`);
  console.log(`|${"-".repeat(width + 2)}|${widths.map((w) => `${"-".repeat(w + 2)}|`).join("")}------|`);
  for (const [name, values, goal] of rows) console.log(`| ${name.padEnd(width)} |${cells(headers.map((_, column) => values[column] ?? ""))} ${goal ?? ""} |`);
}
