import { describe, expect, it } from "vitest";
import { parseDependencyTags } from "../src/dependency-tags.ts";
import { PromptResolutionError } from "../src/errors.ts";
import { resolveComposition, type ResolvableVersion } from "../src/resolution.ts";
import { placeholderVariableClashes } from "../src/variables.ts";

const tag = (name: string, selector: string) => `@@@langfusePrompt:name=${name}|${selector}@@@`;

/** An in-memory project: versions by name, looked up the way the repository does. */
function project(versions: Array<Partial<ResolvableVersion> & Pick<ResolvableVersion, "name" | "version" | "prompt">>) {
  const stored = versions.map((version) => ({ id: `${version.name}@${version.version}`, type: "text" as const, labels: [], ...version }));
  const loads: string[] = [];
  const load = async (dependency: { name: string; version: number } | { name: string; label: string }) => {
    loads.push("version" in dependency ? `${dependency.name}@${dependency.version}` : `${dependency.name}#${dependency.label}`);
    return stored.find(
      (version) => version.name === dependency.name && ("version" in dependency ? version.version === dependency.version : version.labels.includes(dependency.label)),
    );
  };
  const byId = (id: string) => stored.find((version) => version.id === id)!;
  return { load, loads, byId };
}

describe("parseDependencyTags", () => {
  it("reads version and label tags, once each, in order of appearance", () => {
    const content = `${tag("a", "label=production")} ${tag("b", "version=2")} ${tag("a", "label=production")} ${tag("folder/c", "label=x.y")}`;
    expect(parseDependencyTags(content)).toEqual([
      { name: "a", label: "production" },
      { name: "b", version: 2 },
      { name: "folder/c", label: "x.y" },
    ]);
  });

  it("finds tags in any chat message and stops each tag at the first closing @@@", () => {
    const messages = [
      { role: "system", content: `${tag("a", "version=1")}${tag("b", "version=1")}` },
      { type: "placeholder" as const, name: "history" },
      { role: "user", content: tag("c", "label=l") },
    ];
    expect(parseDependencyTags(messages).map((dependency) => dependency.name)).toEqual(["a", "b", "c"]);
  });

  it.each([
    ["one part", "@@@langfusePrompt:name=a@@@"],
    ["three parts", "@@@langfusePrompt:name=a|label=x|version=1@@@"],
    ["a first part other than name", "@@@langfusePrompt:title=a|label=x@@@"],
    ["an empty name", "@@@langfusePrompt:name=|label=x@@@"],
    ["a non-numeric version", "@@@langfusePrompt:name=a|version=one@@@"],
    ["an unknown selector", "@@@langfusePrompt:name=a|foo=bar@@@"],
    ["an empty label", "@@@langfusePrompt:name=a|label=@@@"],
  ])("ignores a tag with %s", (_case, content) => {
    expect(parseDependencyTags(content)).toEqual([]);
  });

  it("drops what follows a second = in a value", () => {
    expect(parseDependencyTags(tag("a=b", "label=x=y"))).toEqual([{ name: "a", label: "x" }]);
  });
});

describe("resolveComposition", () => {
  it("returns content without tags as it is, with no graph and no lookups", async () => {
    const { load, loads } = project([]);
    const root = { id: "r", name: "root", version: 1, type: "text" as const, labels: [], prompt: "plain {{var}}" };
    expect(await resolveComposition(root, load)).toEqual({ prompt: "plain {{var}}", graph: null });
    expect(loads).toEqual([]);
  });

  it("replaces every tag naming the child by its version or any label it has now", async () => {
    const { load } = project([{ name: "child", version: 3, labels: ["production", "stable"], prompt: "C" }]);
    const root = {
      id: "r",
      name: "root",
      version: 1,
      type: "text" as const,
      labels: [],
      prompt: `${tag("child", "label=production")} ${tag("child", "version=3")} ${tag("child", "label=stable")}`,
    };
    const { prompt, graph } = await resolveComposition(root, load);
    expect(prompt).toBe("C C C");
    // Each distinct tag resolves once, even when several point at the same version.
    expect(graph).toEqual({
      root: { id: "r", name: "root", version: 1 },
      dependencies: {
        r: [
          { id: "child@3", name: "child", version: 3 },
          { id: "child@3", name: "child", version: 3 },
          { id: "child@3", name: "child", version: 3 },
        ],
      },
    });
  });

  it("escapes the child's text for JSON and takes $ literally", async () => {
    const { load } = project([{ name: "child", version: 1, prompt: 'quote " backslash \\ newline\n dollar $& $1' }]);
    const root = { id: "r", name: "root", version: 1, type: "chat" as const, labels: [], prompt: [{ role: "system", content: `[${tag("child", "version=1")}]` }] };
    expect((await resolveComposition(root, load)).prompt).toEqual([{ role: "system", content: '[quote " backslash \\ newline\n dollar $& $1]' }]);
  });

  it("resolves depth-first and lists each composing prompt's children in resolution order", async () => {
    const { load, byId } = project([
      { name: "a", version: 1, prompt: `a(${tag("c", "version=1")})` },
      { name: "b", version: 1, prompt: "b" },
      { name: "c", version: 1, prompt: "c" },
    ]);
    const root = { id: "r", name: "root", version: 1, type: "text" as const, labels: [], prompt: `${tag("a", "version=1")}+${tag("b", "version=1")}` };
    const { prompt, graph } = await resolveComposition(root, load);
    expect(prompt).toBe("a(c)+b");
    expect(graph!.dependencies).toEqual({ r: [byId("a@1"), byId("b@1")].map(({ id, name, version }) => ({ id, name, version })), "a@1": [{ id: "c@1", name: "c", version: 1 }] });
  });

  it("allows a chain of five prompts and refuses a sixth", async () => {
    const chain = (length: number) =>
      project(Array.from({ length: length - 1 }, (_, index) => ({ name: `p${index + 1}`, version: 1, prompt: index + 2 < length ? tag(`p${index + 2}`, "version=1") : "end" })));
    const root = { id: "r", name: "p0", version: 1, type: "text" as const, labels: [], prompt: tag("p1", "version=1") };
    expect((await resolveComposition(root, chain(5).load)).prompt).toBe("end");
    await expect(resolveComposition(root, chain(6).load)).rejects.toThrow(new PromptResolutionError("Maximum nesting depth exceeded (5)"));
  });

  it("reports a prompt met twice on one path as circular", async () => {
    const { load } = project([
      { name: "a", version: 1, prompt: tag("b", "version=1") },
      { name: "b", version: 1, prompt: tag("a", "version=1") },
    ]);
    const root = { id: "r", name: "root", version: 1, type: "text" as const, labels: [], prompt: tag("a", "version=1") };
    await expect(resolveComposition(root, load)).rejects.toThrow("Circular dependency detected involving prompt 'a' version 1");
  });

  it("allows the same child on two branches", async () => {
    const { load } = project([
      { name: "a", version: 1, prompt: `a${tag("shared", "version=1")}` },
      { name: "b", version: 1, prompt: `b${tag("shared", "version=1")}` },
      { name: "shared", version: 1, prompt: "!" },
    ]);
    const root = { id: "r", name: "root", version: 1, type: "text" as const, labels: [], prompt: `${tag("a", "version=1")} ${tag("b", "version=1")}` };
    expect((await resolveComposition(root, load)).prompt).toBe("a! b!");
  });

  it("refuses any other version of the root's own name, however deep", async () => {
    const { load } = project([
      { name: "root", version: 1, prompt: "old root" },
      { name: "middle", version: 1, prompt: tag("root", "version=1") },
    ]);
    const root = { id: "new", name: "root", version: 2, type: "text" as const, labels: [], prompt: tag("middle", "version=1") };
    await expect(resolveComposition(root, load)).rejects.toThrow("Circular dependency detected involving prompt 'root' version 1");
  });

  it("names missing and non-text dependencies by their tag", async () => {
    const { load } = project([{ name: "chat", version: 1, type: "chat", labels: ["production"], prompt: [] }]);
    const root = (prompt: string) => ({ id: "r", name: "root", version: 1, type: "text" as const, labels: [], prompt });
    await expect(resolveComposition(root(tag("gone", "version=4")), load)).rejects.toThrow("Prompt dependency not found: gone - version 4");
    await expect(resolveComposition(root(tag("gone", "label=production")), load)).rejects.toThrow("Prompt dependency not found: gone - label production");
    await expect(resolveComposition(root(tag("chat", "label=production")), load)).rejects.toThrow("Prompt dependency is not a text prompt: chat - label production");
  });
});

describe("placeholderVariableClashes", () => {
  it("finds placeholder names used as {{variables}}, counting only well-formed variable names", () => {
    const messages = [
      { role: "system", content: "{{history}} {{ spaced }} {{ümlaut_1}} {{1digit}}" },
      { type: "placeholder" as const, name: "history" },
      { type: "placeholder" as const, name: "spaced" },
      { type: "placeholder" as const, name: "other" },
    ];
    expect(placeholderVariableClashes(messages)).toEqual(["history"]);
  });
});
