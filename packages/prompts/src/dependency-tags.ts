import type { PromptContent } from "./types.ts";

/** A reference to another prompt inside a prompt's content: `@@@langfusePrompt:name=…|version=…@@@` or `|label=…`. */
export type DependencyTag = { name: string; version: number } | { name: string; label: string };

const TAG = /@@@langfusePrompt:(.*?)@@@/g;

/** The reference reads `key=value` and drops anything after a second `=`. */
function keyValue(part: string): [string, string] {
  const [key = "", value = ""] = part.split("=");
  return [key, value];
}

/** A tag's inner text as a dependency, or undefined for text that only looks like a tag (kept literally). */
function parseTag(inner: string): DependencyTag | undefined {
  const parts = inner.split("|");
  if (parts.length !== 2) return undefined;
  const [nameKey, name] = keyValue(parts[0]!);
  if (nameKey !== "name" || name === "") return undefined;
  const [key, value] = keyValue(parts[1]!);
  if (value === "") return undefined;
  if (key === "version") {
    const version = Number(value);
    return Number.isNaN(version) ? undefined : { name, version };
  }
  return key === "label" ? { name, label: value } : undefined;
}

function tagKey(tag: DependencyTag): string {
  return "version" in tag ? `${tag.name}|version=${tag.version}` : `${tag.name}|label=${tag.label}`;
}

/**
 * The distinct valid tags of a prompt, in order of first appearance. Chat prompts are searched in
 * their JSON form, as the reference does, so a tag may sit in any message's content.
 */
export function parseDependencyTags(content: PromptContent): DependencyTag[] {
  const tags = new Map<string, DependencyTag>();
  for (const match of JSON.stringify(content).matchAll(TAG)) {
    const tag = parseTag(match[1]!);
    if (tag && !tags.has(tagKey(tag))) tags.set(tagKey(tag), tag);
  }
  return [...tags.values()];
}
