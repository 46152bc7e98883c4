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
  const width = Math.max(title.length, ...rows.map(([name]) => name.length));
  const valueWidth = Math.max(5, ...rows.map(([, value]) => value.length));
  console.log(`| ${title.padEnd(width)} | ${"value".padEnd(valueWidth)} | goal |`);
  console.log(`|${"-".repeat(width + 2)}|${"-".repeat(valueWidth + 2)}|------|`);
  for (const [name, value, goal] of rows) console.log(`| ${name.padEnd(width)} | ${value.padEnd(valueWidth)} | ${goal ?? ""} |`);
}
