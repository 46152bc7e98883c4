import { describe, expect, it } from "vitest";
import { findMediaReferences } from "../src/media-references.ts";

const ref = (id: string) => `@@@langfuseMedia:type=image/png|id=${id}|source=bytes@@@`;

describe("findMediaReferences", () => {
  it("finds references at any depth, several to a string, with each string's path", () => {
    const found = findMediaReferences({
      input: { a: [[`${ref("m1")} and ${ref("m2")}`]], b: { c: ref("m1") } },
      expectedOutput: ref("m3"),
      metadata: null,
    });
    expect(found.map(({ field, jsonPath, mediaId }) => [field, jsonPath, mediaId])).toEqual([
      ["input", "$['a'][0][0]", "m1"],
      ["input", "$['a'][0][0]", "m2"],
      ["input", "$['b']['c']", "m1"],
      ["expectedOutput", "$", "m3"],
    ]);
    expect(found[0]!.referenceString).toBe(ref("m1"));
  });

  it("escapes quotes and backslashes in keys, so each path names one key", () => {
    const found = findMediaReferences({ metadata: { "it's": ref("a"), "back\\slash": ref("b"), "x']['y": ref("c") } });
    expect(found.map((reference) => reference.jsonPath)).toEqual(["$['it\\'s']", "$['back\\\\slash']", "$['x\\'][\\'y']"]);
  });

  it("skips references that do not name a type, an id and a source, and values without strings", () => {
    expect(findMediaReferences({ input: ["@@@langfuseMedia:type=image/png|id=x@@@", "@@@langfuseMedia:id=x|source=bytes@@@", "@@@langfuseMedia:", 42, true, null, {}] })).toEqual(
      [],
    );
  });
});
