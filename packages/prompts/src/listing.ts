import type { MatchingVersion } from "./prompt-repository.ts";

/** One name of the prompt list, described by its versions that matched the filters only. */
export interface PromptSummary {
  name: string;
  versions: number[];
  labels: string[];
  tags: string[];
  lastUpdatedAt: Date;
  type: "text" | "chat";
  lastConfig: unknown;
}

/** Folds versions, grouped by name and lowest first, into one summary per name. */
export function summarizeByName(versions: MatchingVersion[]): PromptSummary[] {
  const byName = new Map<string, MatchingVersion[]>();
  for (const version of versions) {
    const group = byName.get(version.name);
    if (group) group.push(version);
    else byName.set(version.name, [version]);
  }
  return [...byName.values()].map((group) => {
    const highest = group.at(-1)!;
    return {
      name: highest.name,
      versions: group.map((version) => version.version),
      labels: [...new Set(group.flatMap((version) => version.labels))].sort(),
      tags: highest.tags,
      lastUpdatedAt: new Date(Math.max(...group.map((version) => version.updatedAt.getTime()))),
      type: highest.type,
      lastConfig: highest.config,
    };
  });
}
