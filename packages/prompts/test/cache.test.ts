import { describe, expect, it } from "vitest";
import { ResolvedPromptCache } from "../src/cache.ts";
import type { ResolvedPromptVersion } from "../src/types.ts";

const version = (prompt: string) => ({ prompt }) as ResolvedPromptVersion;
const production = { label: "production" };

describe("ResolvedPromptCache", () => {
  it("serves a resolved prompt until its project's write generation moves, and only there", async () => {
    const cache = new ResolvedPromptCache(100);
    let resolutions = 0;
    const resolve = async () => version(`resolution ${++resolutions}`);
    expect((await cache.getOrResolve("p1", 0, "a", production, resolve)).prompt).toBe("resolution 1");
    expect((await cache.getOrResolve("p1", 0, "a", production, resolve)).prompt).toBe("resolution 1");
    expect((await cache.getOrResolve("p2", 0, "a", production, resolve)).prompt).toBe("resolution 2");
    expect((await cache.getOrResolve("p1", 1, "a", production, resolve)).prompt).toBe("resolution 3");
    expect((await cache.getOrResolve("p2", 0, "a", production, resolve)).prompt).toBe("resolution 2");
  });

  it("keeps versions and labels of one name apart", async () => {
    const cache = new ResolvedPromptCache(100);
    await cache.getOrResolve("p", 0, "a", { version: 1 }, async () => version("v1"));
    expect((await cache.getOrResolve("p", 0, "a", { label: "1" }, async () => version("label 1"))).prompt).toBe("label 1");
  });

  it("never serves what a read of an older generation resolved to a read of a newer one", async () => {
    const cache = new ResolvedPromptCache(100);
    let finish!: (value: ResolvedPromptVersion) => void;
    const slow = cache.getOrResolve("p", 4, "a", production, () => new Promise((resolve) => (finish = resolve)));
    // A read after the write does not join the one in flight.
    const after = cache.getOrResolve("p", 5, "a", production, async () => version("new"));
    finish(version("old"));
    expect((await slow).prompt).toBe("old");
    expect((await after).prompt).toBe("new");
    expect((await cache.getOrResolve("p", 5, "a", production, async () => version("unused"))).prompt).toBe("new");
  });

  it("shares one resolution between concurrent misses, and keeps no failure", async () => {
    const cache = new ResolvedPromptCache(100);
    let resolutions = 0;
    const failing = async () => {
      resolutions += 1;
      throw new Error("not found");
    };
    const results = await Promise.allSettled([1, 2, 3].map(() => cache.getOrResolve("p", 0, "a", production, failing)));
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(resolutions).toBe(1);
    expect((await cache.getOrResolve("p", 0, "a", production, async () => version("found"))).prompt).toBe("found");
  });

  it("evicts the least recently used entry beyond its size", async () => {
    const cache = new ResolvedPromptCache(2);
    await cache.getOrResolve("p", 0, "a", production, async () => version("a"));
    await cache.getOrResolve("p", 0, "b", production, async () => version("b"));
    await cache.getOrResolve("p", 0, "a", production, async () => version("a again"));
    await cache.getOrResolve("p", 0, "c", production, async () => version("c"));
    expect((await cache.getOrResolve("p", 0, "a", production, async () => version("a reloaded"))).prompt).toBe("a");
    expect((await cache.getOrResolve("p", 0, "b", production, async () => version("b reloaded"))).prompt).toBe("b reloaded");
  });
});
