import { describe, expect, it } from "vitest";
import { storedValue } from "../src/json-values.ts";

describe("storedValue", () => {
  it('keeps a field as it is for absent and null, and clears it for "" and a JSON null', () => {
    expect(storedValue(undefined)).toBeUndefined();
    expect(storedValue(null)).toBeUndefined();
    expect(storedValue("")).toBeNull();
    expect(storedValue("null")).toBeNull();
  });

  it("parses strings that are JSON and keeps the others", () => {
    expect(storedValue('{"a": [1, "x"]}')).toEqual({ json: '{"a":[1,"x"]}', value: { a: [1, "x"] } });
    expect(storedValue("42")).toEqual({ json: "42", value: 42 });
    expect(storedValue(" false ")).toEqual({ json: "false", value: false });
    expect(storedValue("hello")).toEqual({ json: '"hello"', value: "hello" });
    expect(storedValue("{broken")).toEqual({ json: '"{broken"', value: "{broken" });
    expect(storedValue({ nested: '{"a":1}' })).toEqual({ json: '{"nested":"{\\"a\\":1}"}', value: { nested: '{"a":1}' } });
  });

  it("keeps integers beyond a double's precision as their digits, wherever they are", () => {
    const text =
      '{"big": -98765432109876543210, "list": [12345678901234567, 1.5e300, 9007199254740991], "s": "x\\" 123456789012345678901", "deep": {"n": 123456789012345678901234}}';
    const stored = storedValue(text)!;
    expect(stored.json).toBe(
      '{"big":-98765432109876543210,"list":[12345678901234567,1.5e+300,9007199254740991],"s":"x\\" 123456789012345678901","deep":{"n":123456789012345678901234}}',
    );
    expect(stored.value).toEqual({
      big: -98765432109876543210,
      list: [12345678901234567, 1.5e300, 9007199254740991],
      s: 'x" 123456789012345678901',
      deep: { n: 123456789012345678901234 },
    });
  });

  it("strips control characters from strings at any depth, keeping tab, line feed and return", () => {
    expect(storedValue({ a: ["x\u0000\u0001\t\n\r\u000b\u000c\u007f\u0080\u009fy"] })!.value).toEqual({ a: ["x\t\n\ry"] });
    expect(storedValue('"a\\u0000b\\u0085c"')!.value).toBe("abc");
    expect(storedValue("plain\u0007 text")!.value).toBe("plain text");
  });
});
