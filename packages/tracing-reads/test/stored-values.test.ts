import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { flattenedMetadata } from "../src/metadata-paths.ts";
import { parseStoredMetadata, parseStoredText, parseStoredValue } from "../src/values.ts";

describe("stored values read back as the reference reads them (read-apis.md §1.4)", () => {
  it('keeps an empty metadata value as "", while empty input and output are null', () => {
    // The example of issue 13 and ingestion.md §3.5.
    expect(parseStoredMetadata({ step: "2", status: "started", error: "" })).toEqual({ step: 2, status: "started", error: "" });
    expect(parseStoredText("")).toBeNull();
    expect(parseStoredText(null)).toBeNull();
  });

  it("parses JSON text and keeps any other text as it is", () => {
    expect(parseStoredValue("42")).toBe(42);
    expect(parseStoredValue(" true ")).toBe(true);
    expect(parseStoredValue("null")).toBeNull();
    expect(parseStoredValue('{"a":[1,"x"]}')).toEqual({ a: [1, "x"] });
    expect(parseStoredValue('"quoted"')).toBe("quoted");
    expect(parseStoredValue("not json")).toBe("not json");
    expect(parseStoredValue("{")).toBe("{");
  });

  it("agrees with JSON.parse on any text: its value when it parses, the text itself when it does not", () => {
    const parsedOrText = (text: string) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    };
    // Numbers a double may change (16 or more digits, a three-digit exponent) are the other
    // path, kept as their source text: the examples below cover it, and this property skips it.
    const mayBeInexact = /\d[\d.]{15}|\d[eE][+-]?\d{3}/;
    const texts = fc.oneof(
      fc.string(),
      fc.json(),
      fc.tuple(fc.constantFrom(" ", "\t", "\n", "\r", "\f", "\u00a0", "x", "-", "+", "."), fc.json()).map(([prefix, json]) => `${prefix}${json}`),
      fc.tuple(fc.json(), fc.string()).map(([json, tail]) => `${json}${tail}`),
    );
    fc.assert(
      fc.property(texts, (text) => {
        fc.pre(!mayBeInexact.test(text));
        expect(parseStoredValue(text)).toEqual(parsedOrText(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("returns numbers a double would change as their source text, at any depth", () => {
    expect(parseStoredValue("9007199254740993")).toBe("9007199254740993");
    // 2^60 exactly, which a double prints as 1152921504606847000.
    expect(parseStoredValue("1152921504606846976")).toBe("1152921504606846976");
    expect(parseStoredValue(" -12345678901234567891 ")).toBe("-12345678901234567891");
    expect(parseStoredValue("1e400")).toBe("1e400");
    expect(parseStoredValue("1e-400")).toBe("1e-400");
    expect(parseStoredValue("0.10000000000000000001")).toBe("0.10000000000000000001");
    expect(parseStoredValue('{"id":9007199254740993,"s":"9007199254740993 \\" 1e400","n":[1e400,2]}')).toEqual({
      id: "9007199254740993",
      s: '9007199254740993 " 1e400',
      n: ["1e400", 2],
    });
  });

  it("keeps numbers a double holds exactly as numbers, whatever their notation", () => {
    expect(parseStoredValue("9007199254740991")).toBe(9007199254740991);
    expect(parseStoredValue("1152921504606847000")).toBe(2 ** 60);
    expect(parseStoredValue("1e21")).toBe(1e21);
    expect(parseStoredValue("1.7976931348623157e308")).toBe(Number.MAX_VALUE);
    expect(parseStoredValue("0.1000")).toBe(0.1);
    expect(parseStoredValue("5e-324")).toBe(5e-324);
  });
});

describe("flattened v2 metadata (read-apis.md §1.4, §2.4)", () => {
  it('parses each leaf once from its stored text, keeping empty strings and showing null leaves as ""', () => {
    const stored = { a: '{"b":"42","c":"","d":null,"e":{"f":"\\"q\\""},"g":[1,"2"],"h":{}}', top: "", quoted: '"42"', none: "null" };
    expect(flattenedMetadata(stored, true)).toEqual({ "a.b": 42, "a.c": "", "a.d": "", "a.e.f": "q", "a.g": [1, "2"], "a.h": {}, top: "", quoted: "42", none: "" });
    expect(flattenedMetadata(stored, false)).toEqual(flattenedMetadata(stored, true));
  });

  it("treats keys named like object properties as plain keys", () => {
    expect(flattenedMetadata(JSON.parse('{"constructor":"1","toString":"{\\"__proto__\\":\\"x\\"}","__proto__":"2"}'), true)).toEqual(
      JSON.parse('{"constructor":1,"toString.__proto__":"x","__proto__":2}'),
    );
  });

  it("cuts each leaf to 200 characters before parsing unless full", () => {
    const long = "x".repeat(250);
    expect(flattenedMetadata({ a: long, b: `{"c":"${long}"}` }, false)).toEqual({ a: long.slice(0, 200), "a.c": undefined, "b.c": long.slice(0, 200) });
  });
});
