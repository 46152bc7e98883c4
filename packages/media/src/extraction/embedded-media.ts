import { MEDIA_CONTENT_TYPES } from "@wick/contracts";
import { decodePythonBytes, isPythonBytesLiteral } from "./python-bytes.ts";

export type MediaContentType = keyof typeof MEDIA_CONTENT_TYPES;

/** A file found inside a traced value, decoded. */
export interface EmbeddedMedia {
  bytes: Buffer;
  contentType: MediaContentType;
  /** How the reference string names where the bytes came from: a data URI, or a provider's raw bytes field. */
  source: "base64_data_uri" | "bytes";
}

/** Stores the file and answers the reference string to put in its place, or undefined to leave it. */
export type MediaUploader = (media: EmbeddedMedia) => Promise<string | undefined>;

/** Nesting deeper than this is not searched, as the reference does; it also bounds the walk of hostile values. */
const MAX_DEPTH = 10;
const BASE64_MARKER = ";base64,";
const REFERENCE_PREFIX = "@@@langfuseMedia:";

const isMediaContentType = (value: unknown): value is MediaContentType => typeof value === "string" && Object.hasOwn(MEDIA_CONTENT_TYPES, value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isReference = (value: string) => value.startsWith(REFERENCE_PREFIX) && value.endsWith("@@@");

/**
 * Replaces the files embedded in a traced input, output or metadata value with media reference
 * strings, as the reference's server-side extraction does (otel.md §8): base64 data URIs anywhere
 * in a string, provider-shaped media objects (Anthropic, Vertex and Gemini inline data, AI SDK
 * file and blob parts), and the same inside a string holding JSON. A file the uploader declines,
 * or that does not decode, stays as it was. Objects and arrays are changed in place.
 */
export async function replaceEmbeddedMedia(value: unknown, upload: MediaUploader): Promise<unknown> {
  if (typeof value === "string") return replaceInString(value, upload, 1);
  if (typeof value === "object" && value !== null) await replaceInTree(value as Record<string, unknown> | unknown[], upload, 1);
  return value;
}

async function replaceInString(value: string, upload: MediaUploader, depth: number): Promise<string> {
  if (isReference(value)) return value;
  const replaced = value.includes(BASE64_MARKER) ? await replaceDataUris(value, upload) : value;
  const start = replaced.trimStart()[0];
  if ((start !== "{" && start !== "[") || !mayHoldProviderMedia(replaced)) return replaced;
  let parsed: unknown;
  try {
    parsed = JSON.parse(replaced);
  } catch {
    return replaced;
  }
  if (typeof parsed !== "object" || parsed === null) return replaced;
  return (await replaceInTree(parsed as Record<string, unknown> | unknown[], upload, depth)) ? JSON.stringify(parsed) : replaced;
}

/** Whether a JSON text names the keys of some provider's media object; most strings are ruled out without parsing. */
function mayHoldProviderMedia(text: string): boolean {
  const has = (key: string) => text.includes(`"${key}"`);
  return (
    (has("data") && (has("media_type") || has("mime_type"))) ||
    (has("content") && has("mime_type")) ||
    ((has("data") || has("image")) && has("mediaType")) ||
    (has("data") && (has("inline_data") || has("inlineData")))
  );
}

/** Returns whether anything in the tree was replaced. A provider's media object is replaced as a whole. */
async function replaceInTree(node: Record<string, unknown> | unknown[], upload: MediaUploader, depth: number): Promise<boolean> {
  if (depth > MAX_DEPTH) return false;
  if (isObject(node)) {
    const media = providerMedia(node);
    if (media) return replaceProviderMedia(media, upload);
  }
  let changed = false;
  const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((item, index) => [index, item]) : Object.entries(node);
  for (const [key, child] of entries) {
    if (typeof child === "string") {
      if (!child.includes(BASE64_MARKER)) continue;
      const replaced = await replaceDataUris(child, upload);
      if (replaced === child) continue;
      // Defined rather than assigned: a parsed value may hold an own `__proto__` key.
      Object.defineProperty(node, key, { value: replaced, enumerable: true, writable: true, configurable: true });
      changed = true;
    } else if (typeof child === "object" && child !== null) {
      changed = (await replaceInTree(child as Record<string, unknown> | unknown[], upload, depth + 1)) || changed;
    }
  }
  return changed;
}

/** A provider's media object: the object holding the bytes, the key they are under, and their type. */
interface ProviderMedia {
  holder: Record<string, unknown>;
  key: string;
  contentType: unknown;
}

/** The provider shapes the reference recognises: `type` plus a type key and a bytes key, or Gemini's inline data. */
const TYPED_SHAPES = [
  { type: "base64", typeKey: "media_type", key: "data" },
  { type: "media", typeKey: "mime_type", key: "data" },
  { type: "blob", typeKey: "mime_type", key: "content" },
] as const;

function providerMedia(value: Record<string, unknown>): ProviderMedia | undefined {
  for (const shape of TYPED_SHAPES) {
    if (value.type === shape.type && typeof value[shape.typeKey] === "string" && typeof value[shape.key] === "string") {
      return { holder: value, key: shape.key, contentType: value[shape.typeKey] };
    }
  }
  if (value.type === "file" && typeof value.mediaType === "string") {
    const key = typeof value.data === "string" ? "data" : typeof value.image === "string" ? "image" : undefined;
    if (key) return { holder: value, key, contentType: value.mediaType };
  }
  for (const inline of [value.inline_data, value.inlineData]) {
    if (isObject(inline) && typeof inline.data === "string") {
      const contentType = inline.mime_type ?? inline.mimeType;
      if (typeof contentType === "string") return { holder: inline, key: "data", contentType };
    }
  }
  return undefined;
}

async function replaceProviderMedia(media: ProviderMedia, upload: MediaUploader): Promise<boolean> {
  const content = media.holder[media.key] as string;
  if (!isMediaContentType(media.contentType) || isReference(content) || content.startsWith("http://") || content.startsWith("https://")) return false;
  const bytes = providerBytes(content);
  if (!bytes) return false;
  const reference = await upload({ bytes, contentType: media.contentType, source: "bytes" });
  if (reference === undefined) return false;
  Object.defineProperty(media.holder, media.key, { value: reference, enumerable: true, writable: true, configurable: true });
  return true;
}

/** The bytes of a provider's bytes field: base64, a whole data URI, or a Python bytes literal. */
function providerBytes(content: string): Buffer | undefined {
  if (content.startsWith("data:")) {
    const [found] = findDataUris(content);
    return found && found.start === 0 && found.end === content.length ? Buffer.from(found.base64, "base64") : undefined;
  }
  if (isPythonBytesLiteral(content)) return decodePythonBytes(content);
  return isBase64(content) ? Buffer.from(content, "base64") : undefined;
}

interface DataUri {
  start: number;
  end: number;
  contentType: MediaContentType;
  base64: string;
}

async function replaceDataUris(value: string, upload: MediaUploader): Promise<string> {
  const found = findDataUris(value);
  if (found.length === 0) return value;
  let out = "";
  let cursor = 0;
  for (const uri of found) {
    const reference = await upload({ bytes: Buffer.from(uri.base64, "base64"), contentType: uri.contentType, source: "base64_data_uri" });
    out += value.slice(cursor, uri.start) + (reference ?? value.slice(uri.start, uri.end));
    cursor = uri.end;
  }
  return out + value.slice(cursor);
}

const TOKEN = "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*";
const CONTENT_TYPE = new RegExp(`^${TOKEN}/${TOKEN}$`);
const PARAMETERS = /^(?:;[A-Za-z0-9!#$&^_.+-]+=[^;,\s"'<>[\]{}]+)*$/;
/** What may follow a data URI embedded in text: whitespace, quotes, closing brackets, sentence punctuation. */
const TERMINATORS = new Set([..."\t\n\r !\"'),.;>?]}"]);

const isBase64Char = (char: string) => /[A-Za-z0-9+/]/.test(char);

/**
 * The valid data URIs of a supported type in a string, scanning forward only, so a hostile string
 * costs time linear in its length. A `data:` glued to a preceding word is not one.
 */
function findDataUris(value: string): DataUri[] {
  const found: DataUri[] = [];
  let cursor = 0;
  for (;;) {
    const start = value.indexOf("data:", cursor);
    if (start === -1) return found;
    cursor = start + 5;
    if (start > 0 && /[A-Za-z0-9_-]/.test(value[start - 1]!)) continue;
    const marker = value.indexOf(BASE64_MARKER, cursor);
    if (marker === -1) return found;
    const header = value.slice(cursor, marker);
    // A comma, space or other `data:` before the marker: this header is not one.
    if (/[,\s]/.test(header) || header.includes("data:")) continue;
    const semicolon = header.indexOf(";");
    const contentType = semicolon === -1 ? header : header.slice(0, semicolon);
    if (!CONTENT_TYPE.test(contentType) || !PARAMETERS.test(semicolon === -1 ? "" : header.slice(semicolon)) || !isMediaContentType(contentType)) continue;
    const dataStart = marker + BASE64_MARKER.length;
    let end = dataStart;
    while (end < value.length && isBase64Char(value[end]!)) end += 1;
    let padding = 0;
    while (end < value.length && value[end] === "=" && padding < 2) {
      end += 1;
      padding += 1;
    }
    cursor = Math.max(end, dataStart);
    const base64 = value.slice(dataStart, end);
    if (base64.length === 0 || (end < value.length && !TERMINATORS.has(value[end]!)) || base64.length % 4 === 1) continue;
    found.push({ start, end, contentType, base64 });
  }
}

function isBase64(value: string): boolean {
  return value.length > 0 && value.length % 4 !== 1 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}
