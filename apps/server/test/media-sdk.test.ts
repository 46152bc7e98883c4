import { createHash, randomBytes, randomUUID } from "node:crypto";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { setLangfuseTracerProvider, startObservation } from "@langfuse/tracing";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { Langfuse } from "langfuse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MediaStoreConfig } from "../src/config.ts";
import { startLocalS3, type LocalS3Server } from "../../../packages/object-store/test/support/s3-server.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, listen, testMediaConfig, type TestApp } from "./support/harness.ts";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("base64");

/** A PNG signature and header followed by noise: the SDKs look at the data URI, not the pixels. */
const png = () => Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), randomBytes(3000)]);
/** A small PDF, different each time so no test sees another's upload. */
const pdf = () => Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${randomUUID()}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const dataUri = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString("base64")}`;

/** A response's JSON body, loosely typed as the tests read it. */
const json = async (response: Response): Promise<any> => response.json();

const REFERENCE = /@@@langfuseMedia:type=([^|]+)\|id=([^|]+)\|source=([^@]+)@@@/g;

/** The media references of a stored value, as `[type, id, source]`. */
function referencesIn(value: unknown): Array<[string, string, string]> {
  return [...JSON.stringify(value).matchAll(REFERENCE)].map((match) => [match[1]!, match[2]!, match[3]!]);
}

const stores: Array<[string, () => Promise<{ store: MediaStoreConfig; close(): Promise<void> }>]> = [
  ["local disk", async () => ({ store: testMediaConfig().store, close: async () => undefined })],
  [
    "S3 (a local S3 server)",
    async () => {
      const server: LocalS3Server = await startLocalS3();
      return { store: { kind: "s3", ...server.config, prefix: "wick/" }, close: () => server.close() };
    },
  ],
];

describe.each(stores)("media on the %s store, over a real port", (_name, openStore) => {
  let t: TestApp;
  let baseUrl: string;
  let closeStore: () => Promise<void>;
  beforeAll(async () => {
    const opened = await openStore();
    closeStore = opened.close;
    t = await createTestApp("embedded", { media: { store: opened.store } });
    baseUrl = await listen(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await closeStore?.();
  });

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${baseUrl}/api/public${path}`, {
      method,
      headers: { authorization: t.project.basic, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  /** GET /media/{id}, then the bytes its URL serves. */
  const fetchMedia = async (mediaId: string) => {
    const response = await api("GET", `/media/${mediaId}`);
    const body = await json(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expectReferenceResponse({ method: "GET", path: "/api/public/media/{mediaId}" }, 200, body);
    const file = await fetch(body.url);
    expect(file.status).toBe(200);
    return { body, bytes: Buffer.from(await file.arrayBuffer()), contentType: file.headers.get("content-type") };
  };

  it("takes the SDK flow: POST, PUT to the URL, PATCH, GET, and serves the exact bytes", async () => {
    const bytes = randomBytes(1_000_000);
    const announced = await api("POST", "/media", {
      traceId: randomUUID(),
      field: "input",
      contentType: "application/pdf",
      contentLength: bytes.length,
      sha256Hash: sha256(bytes),
    });
    expect(announced.status).toBe(201);
    const { mediaId, uploadUrl } = await json(announced);
    const put = await fetch(uploadUrl, {
      method: "PUT",
      body: bytes,
      headers: { "content-type": "application/pdf", "x-amz-checksum-sha256": sha256(bytes), "x-ms-blob-type": "BlockBlob" },
    });
    expect(put.status, await put.text()).toBe(200);
    const patch = await api("PATCH", `/media/${mediaId}`, { uploadedAt: new Date().toISOString(), uploadHttpStatus: put.status, uploadHttpError: null, uploadTimeMs: 3 });
    expect(patch.status).toBe(200);
    expect(await patch.json()).toEqual({ message: "OK" });
    const served = await fetchMedia(mediaId);
    expect(served.body).toMatchObject({ mediaId, contentType: "application/pdf", contentLength: bytes.length });
    expect(served.contentType).toBe("application/pdf");
    expect(served.bytes.equals(bytes)).toBe(true);
  });

  it("keeps the files of a trace made with @langfuse/tracing and @langfuse/otel 5", async () => {
    const processor = new LangfuseSpanProcessor({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl, flushAt: 1000, flushInterval: 60 });
    const provider = new NodeTracerProvider({ spanProcessors: [processor] });
    setLangfuseTracerProvider(provider);
    try {
      const image = png();
      const document = pdf();
      const span = startObservation("describe-image", {
        input: {
          messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: dataUri("image/png", image) } }] }],
          attachment: dataUri("application/pdf", document),
        },
      });
      span.update({ output: "a picture and a document" }).end();
      await provider.forceFlush();

      const observation = await api("GET", `/observations/${span.id}`);
      expect(observation.status).toBe(200);
      const { input, traceId } = await json(observation);
      expect(traceId).toBe(span.traceId);
      expect(JSON.stringify(input)).not.toContain("base64,");
      const references = referencesIn(input);
      expect(references.map(([type, , source]) => [type, source])).toEqual([
        ["image/png", "base64_data_uri"],
        ["application/pdf", "base64_data_uri"],
      ]);
      for (const [[, id], original] of [
        [references[0]!, image],
        [references[1]!, document],
      ] as const) {
        const served = await fetchMedia(id);
        expect(served.bytes.equals(original)).toBe(true);
      }
    } finally {
      setLangfuseTracerProvider(null);
      await provider.shutdown();
    }
  });

  it("keeps the files of a trace made with the legacy langfuse 3 SDK", async () => {
    const langfuse = new Langfuse({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl, flushAt: 100, flushInterval: 60_000 });
    try {
      const image = png();
      const document = pdf();
      const traceId = randomUUID();
      langfuse.trace({ id: traceId, name: "multimodal", input: { image: dataUri("image/png", image), pages: [dataUri("application/pdf", document)] } });
      await langfuse.flushAsync();

      const trace = await api("GET", `/traces/${traceId}`);
      expect(trace.status).toBe(200);
      const { input } = await json(trace);
      const references = referencesIn(input);
      expect(references.map(([type, , source]) => [type, source])).toEqual([
        ["image/png", "base64_data_uri"],
        ["application/pdf", "base64_data_uri"],
      ]);
      expect((await fetchMedia(references[0]![1])).bytes.equals(image)).toBe(true);
      expect((await fetchMedia(references[1]![1])).bytes.equals(document)).toBe(true);
    } finally {
      await langfuse.shutdownAsync();
    }
  });
});
