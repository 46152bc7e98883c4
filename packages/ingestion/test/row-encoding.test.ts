import { describe, expect, it } from "vitest";
import { withoutDefaults } from "../src/row-encoding.ts";

describe("withoutDefaults", () => {
  it("leaves out nulls and empty maps and arrays, and keeps every other value", () => {
    const row = { id: "o1", name: null, metadata: {}, tags: [], usage: { input: 3 }, names: ["a"], level: "", public: false, cost: 0, when: new Date(0) };
    expect(withoutDefaults(row)).toEqual({ id: "o1", usage: { input: 3 }, names: ["a"], level: "", public: false, cost: 0, when: new Date(0) });
  });
});
