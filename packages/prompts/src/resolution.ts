import type { PromptResolutionGraph } from "@wick/contracts";
import { parseDependencyTags, type DependencyTag } from "./dependency-tags.ts";
import { PromptResolutionError } from "./errors.ts";
import type { PromptContent, PromptVersion } from "./types.ts";

/** The root is level 0; a prompt reached at this level is refused, so chains hold at most 5 prompts. */
const MAX_NESTING_DEPTH = 5;

export type ResolvableVersion = Pick<PromptVersion, "id" | "name" | "version" | "type" | "prompt" | "labels">;

/** Finds the version a tag points at now; label tags follow the label wherever it has moved. */
export type LoadDependency = (tag: DependencyTag) => Promise<ResolvableVersion | undefined>;

export interface Resolution {
  prompt: PromptContent;
  /** Null when nothing was composed. */
  graph: PromptResolutionGraph | null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function describeTag(tag: DependencyTag): string {
  return "version" in tag ? `${tag.name} - version ${tag.version}` : `${tag.name} - label ${tag.label}`;
}

/**
 * Replaces every tag in the parent's JSON that names the child, by its version or by any label it
 * carries now. The child's text is JSON-escaped so it stays valid inside chat message strings, and
 * given through a function so `$` in it is never read as a replacement pattern.
 */
function substitute(serializedParent: string, child: ResolvableVersion, childText: string): string {
  const name = escapeRegExp(child.name);
  const selectors = [`version=${child.version}`, ...child.labels.map((label) => `label=${escapeRegExp(label)}`)];
  const pattern = new RegExp(selectors.map((selector) => `@@@langfusePrompt:name=${name}\\|${selector}@@@`).join("|"), "g");
  const escaped = JSON.stringify(childText).slice(1, -1);
  return serializedParent.replace(pattern, () => escaped);
}

/**
 * Resolves a prompt's composition tags depth-first. A prompt may not appear twice on one path, nor
 * reference any other version of the root's own name; both are reported as circular.
 */
export async function resolveComposition(root: ResolvableVersion, load: LoadDependency): Promise<Resolution> {
  const dependencies: PromptResolutionGraph["dependencies"] = {};
  const onPath = new Set<string>();

  const resolve = async (current: ResolvableVersion, level: number): Promise<PromptContent> => {
    if (level >= MAX_NESTING_DEPTH) throw new PromptResolutionError(`Maximum nesting depth exceeded (${MAX_NESTING_DEPTH})`);
    if (onPath.has(current.id) || (current.name === root.name && current.id !== root.id)) {
      throw new PromptResolutionError(`Circular dependency detected involving prompt '${current.name}' version ${current.version}`);
    }
    const tags = parseDependencyTags(current.prompt);
    if (tags.length === 0) return current.prompt;

    onPath.add(current.id);
    let serialized = JSON.stringify(current.prompt);
    for (const tag of tags) {
      const child = await load(tag);
      if (!child) throw new PromptResolutionError(`Prompt dependency not found: ${describeTag(tag)}`);
      if (child.type !== "text") throw new PromptResolutionError(`Prompt dependency is not a text prompt: ${describeTag(tag)}`);
      dependencies[current.id] ??= [];
      dependencies[current.id]!.push({ id: child.id, name: child.name, version: child.version });
      serialized = substitute(serialized, child, (await resolve(child, level + 1)) as string);
    }
    onPath.delete(current.id);
    return JSON.parse(serialized) as PromptContent;
  };

  const prompt = await resolve(root, 0);
  const graph = Object.keys(dependencies).length > 0 ? { root: { id: root.id, name: root.name, version: root.version }, dependencies } : null;
  return { prompt, graph };
}
