import { describe, expect, it } from "vitest";
import { chatMessages, partsText } from "../src/trace/chat.ts";
import { splitMediaReferences } from "../src/trace/media.ts";

describe("chatMessages", () => {
  it("reads a list of role/content messages, keeping other fields aside", () => {
    const messages = chatMessages([
      { role: "system", content: "Be brief." },
      { role: "user", content: "2+2?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call-1" }] },
    ]);
    expect(messages).toEqual([
      { role: "system", content: "Be brief.", extra: {} },
      { role: "user", content: "2+2?", extra: {} },
      { role: "assistant", content: null, extra: { tool_calls: [{ id: "call-1" }] } },
    ]);
  });

  it("reads a single message (an output) and a {messages} wrapper", () => {
    expect(chatMessages({ role: "assistant", content: "4" })).toEqual([{ role: "assistant", content: "4", extra: {} }]);
    expect(chatMessages({ messages: [{ role: "user", content: "hi" }] })).toEqual([{ role: "user", content: "hi", extra: {} }]);
  });

  it("refuses anything that is not entirely messages", () => {
    expect(chatMessages([{ role: "user", content: "hi" }, { text: "stray" }])).toBeNull();
    expect(chatMessages({ question: "2+2?" })).toBeNull();
    expect(chatMessages([])).toBeNull();
    expect(chatMessages("plain text")).toBeNull();
    expect(chatMessages([{ role: 3, content: "x" }])).toBeNull();
  });
});

describe("partsText", () => {
  it("joins text parts and gives up on other parts", () => {
    expect(partsText("plain")).toBe("plain");
    expect(
      partsText([
        { type: "text", text: "a" },
        { type: "text", text: "b" },
      ]),
    ).toBe("a\nb");
    expect(partsText([{ type: "image_url", image_url: { url: "x" } }])).toBeNull();
    expect(partsText({ nested: true })).toBeNull();
  });
});

describe("splitMediaReferences", () => {
  it("cuts references out of the text with their type, id and source", () => {
    const segments = splitMediaReferences("see @@@langfuseMedia:type=image/png|id=m-1|source=base64_data_uri@@@ here");
    expect(segments).toEqual([
      { kind: "text", text: "see " },
      { kind: "media", type: "image/png", id: "m-1", source: "base64_data_uri", raw: "@@@langfuseMedia:type=image/png|id=m-1|source=base64_data_uri@@@" },
      { kind: "text", text: " here" },
    ]);
  });

  it("reads adjacent references and leaves malformed ones as text", () => {
    const two = "@@@langfuseMedia:type=audio/wav|id=a|source=bytes@@@@@@langfuseMedia:type=application/pdf|id=b|source=file@@@";
    expect(splitMediaReferences(two).map((segment) => (segment.kind === "media" ? segment.id : segment.text))).toEqual(["a", "b"]);
    expect(splitMediaReferences("x @@@langfuseMedia:id=only@@@")).toEqual([{ kind: "text", text: "x @@@langfuseMedia:id=only@@@" }]);
    expect(splitMediaReferences("no media")).toEqual([{ kind: "text", text: "no media" }]);
  });
});
