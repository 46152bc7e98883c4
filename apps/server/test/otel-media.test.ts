import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replaceEmbeddedMedia } from "@wick/media";
import { media } from "@wick/postgres";
import { exportExperimentSpans, hexId } from "./support/experiment-spans.ts";
import { createTestApp, postgresModes, type TestApp } from "./support/harness.ts";
import { okCall } from "./support/reference-calls.ts";

/** A PNG's signature and some noise: the bytes only have to come back unchanged. */
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300)]);
const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(200)]);
const dataUri = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString("base64")}`;
const REFERENCE = /@@@langfuseMedia:type=([^|]+)\|id=([^|]+)\|source=([^@]+)@@@/g;

const GET_OBSERVATION = { method: "GET", path: "/api/public/observations/{observationId}" };
const GET_MEDIA = { method: "GET", path: "/api/public/media/{mediaId}" };

describe.each(postgresModes())("server-side media extraction on the OTLP path (%s Postgres)", (mode) => {
  let on: TestApp;
  let off: TestApp;
  beforeAll(async () => {
    on = await createTestApp(mode, { media: { extractFromOtel: true } });
    off = await createTestApp(mode);
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  const exportSpan = async (t: TestApp, span: { input?: string; output?: string; metadata?: Record<string, string> }) => {
    const ids = { traceId: hexId(16), spanId: hexId(8) };
    await exportExperimentSpans(t, [{ ...ids, name: "vision", start: Date.now() - 1000, end: Date.now(), ...span }], t.project);
    return okCall(t, GET_OBSERVATION, `/observations/${ids.spanId}`, { project: t.project });
  };
  const references = (text: string) => [...text.matchAll(REFERENCE)].map(([, type, id, source]) => ({ type, id, source }));
  const download = async (t: TestApp, mediaId: string) => {
    const media = await okCall(t, GET_MEDIA, `/media/${mediaId}`);
    const { pathname, search } = new URL(media.url);
    const file = await t.app.inject({ method: "GET", url: pathname + search });
    expect(file.statusCode).toBe(200);
    return { media, bytes: file.rawPayload };
  };

  it("stores the files of data URIs and provider media objects, and keeps reference strings in their place", async () => {
    const input = JSON.stringify([
      {
        role: "user",
        content: [
          { type: "text", text: "What is on this image?" },
          { type: "image_url", image_url: { url: dataUri("image/png", png) } },
        ],
      },
    ]);
    const output = JSON.stringify({ type: "document", source: { type: "base64", media_type: "application/pdf", data: pdf.toString("base64") } });
    const observation = await exportSpan(on, { input, output, metadata: { attachment: `see ${dataUri("image/png", png)}.` } });

    const [inInput] = references(JSON.stringify(observation.input));
    expect(inInput).toEqual({ type: "image/png", id: expect.any(String), source: "base64_data_uri" });
    expect(JSON.stringify(observation.input)).not.toContain("base64,");
    const [inOutput] = references(JSON.stringify(observation.output));
    expect(inOutput).toEqual({ type: "application/pdf", id: expect.any(String), source: "bytes" });
    expect(observation.output.source).toEqual({ type: "base64", media_type: "application/pdf", data: expect.stringMatching(/^@@@langfuseMedia:/) });
    // The text around an embedded data URI stays.
    expect(observation.metadata.attachment).toMatch(/^see @@@langfuseMedia:type=image\/png\|id=[^|]+\|source=base64_data_uri@@@\.$/);
    // One file, one media id, however often it appears.
    expect(references(observation.metadata.attachment)[0]!.id).toBe(inInput!.id);

    const image = await download(on, inInput!.id!);
    expect(image.media).toMatchObject({ mediaId: inInput!.id, contentType: "image/png", contentLength: png.length });
    expect(image.bytes.equals(png)).toBe(true);
    expect((await download(on, inOutput!.id!)).bytes.equals(pdf)).toBe(true);
  });

  it("leaves values alone when it is off (the default), and what it cannot store when on", async () => {
    const input = `look: ${dataUri("image/png", png)}`;
    expect((await exportSpan(off, { input })).input).toBe(input);

    const untouched = [
      // A type the media API does not take, a malformed payload, and a URL.
      dataUri("application/x-unknown", png),
      "data:image/png;base64,abc*def",
      JSON.stringify({ type: "base64", media_type: "image/png", data: "https://example.com/cat.png" }),
    ];
    for (const value of untouched) expect((await exportSpan(on, { input: value })).input).toEqual(value.startsWith("{") ? JSON.parse(value) : value);
  });
});

describe("server-side media extraction when the store refuses the file", () => {
  let t: TestApp;
  beforeAll(async () => {
    // A bucket on a port nothing listens on: every upload fails.
    const store = {
      kind: "s3" as const,
      bucket: "media",
      region: "us-east-1",
      endpoint: "http://127.0.0.1:1",
      accessKeyId: "x",
      secretAccessKey: "y",
      forcePathStyle: true,
      prefix: "",
    };
    t = await createTestApp("embedded", { media: { extractFromOtel: true, store } });
  });
  afterAll(async () => t?.close());

  it("keeps the file inline and records the failed upload, so that the next occurrence tries again", async () => {
    const input = `look: ${dataUri("image/png", png)}`;
    const ids = { traceId: hexId(16), spanId: hexId(8) };
    await exportExperimentSpans(t, [{ ...ids, name: "vision", start: Date.now() - 1000, end: Date.now(), input }], t.project);
    expect((await okCall(t, GET_OBSERVATION, `/observations/${ids.spanId}`)).input).toBe(input);
    const rows = (await t.stores.postgres.db.select().from(media)).filter((row) => row.projectId === t.project.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ contentType: "image/png", contentLength: png.length, uploadHttpStatus: 500, uploadHttpError: expect.any(String) });
  });
});

describe("finding embedded media", () => {
  const collect = async (value: unknown) => {
    const found: Array<{ type: string; bytes: string; source: string }> = [];
    const result = await replaceEmbeddedMedia(value, async (media) => {
      found.push({ type: media.contentType, bytes: media.bytes.toString("latin1"), source: media.source });
      return `@@@langfuseMedia:type=${media.contentType}|id=m${found.length}|source=${media.source}@@@`;
    });
    return { result, found };
  };

  it("recognises the provider shapes the reference does", async () => {
    const b64 = Buffer.from("hello").toString("base64");
    const { result, found } = await collect({
      anthropic: { type: "base64", media_type: "image/jpeg", data: b64 },
      vertex: { type: "media", mime_type: "audio/wav", data: b64 },
      aiSdk7: { type: "blob", mime_type: "image/webp", content: b64 },
      aiSdk6: { type: "file", mediaType: "application/pdf", data: b64 },
      gemini: { inlineData: { mimeType: "image/png", data: b64 } },
      python: { type: "base64", media_type: "image/gif", data: "b'GIF\\x00\\n\\''" },
    });
    expect(found).toEqual([
      { type: "image/jpeg", bytes: "hello", source: "bytes" },
      { type: "audio/wav", bytes: "hello", source: "bytes" },
      { type: "image/webp", bytes: "hello", source: "bytes" },
      { type: "application/pdf", bytes: "hello", source: "bytes" },
      { type: "image/png", bytes: "hello", source: "bytes" },
      { type: "image/gif", bytes: "GIF\u0000\n'", source: "bytes" },
    ]);
    expect((result as { gemini: { inlineData: { data: string } } }).gemini.inlineData.data).toBe("@@@langfuseMedia:type=image/png|id=m5|source=bytes@@@");
  });

  it("leaves values without media as they were, and stops at the reference's depth", async () => {
    const plain = { text: "data: not a uri", list: [1, "two", { three: null }], nested: { data: "aGVsbG8=", mime_type: "image/png" } };
    expect(await collect(structuredClone(plain))).toEqual({ result: plain, found: [] });
    let deep: unknown = dataUri("image/png", png);
    for (let level = 0; level < 12; level += 1) deep = [deep];
    expect((await collect(deep)).found).toEqual([]);
    // A `data:` glued to a word is not a data URI.
    expect((await collect(`metadata:image/png;base64,${png.toString("base64")}`)).found).toEqual([]);
  });
});
