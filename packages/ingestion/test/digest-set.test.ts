import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DigestSet } from "../src/history/digest-set.ts";

describe("DigestSet", () => {
  it("never loses a member while it grows, and rarely claims an absent one", () => {
    const set = new DigestSet();
    const members = Array.from({ length: 300_000 }, () => randomBytes(16));
    for (const digest of members) set.add(digest);
    expect(members.every((digest) => set.mayContain(digest))).toBe(true);
    const absent = Array.from({ length: 100_000 }, () => randomBytes(16));
    const falsePositives = absent.filter((digest) => set.mayContain(digest)).length;
    expect(falsePositives / absent.length).toBeLessThan(0.01);
    expect(set.bytes).toBeLessThan(300_000 * 4);
  });
});
