export type IdProblem = "absent" | "not_an_id";

const isByteArray = (value: unknown): value is number[] => Array.isArray(value) && value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255);

function bytesOf(value: unknown): Uint8Array | number[] | undefined {
  if (value instanceof Uint8Array) return value;
  if (isByteArray(value)) return value;
  if (value !== null && typeof value === "object" && (value as { type?: unknown }).type === "Buffer" && isByteArray((value as { data?: unknown }).data)) {
    return (value as { data: number[] }).data;
  }
  return undefined;
}

/**
 * A trace or span id as the reference stores it: strings verbatim (OTLP/JSON sends hex, but a
 * base64 or odd string is kept as sent), bytes in any of their JSON spellings as lower-case hex.
 */
export function normalizeId(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  const bytes = bytesOf(value);
  return bytes ? Buffer.from(bytes).toString("hex") : undefined;
}

/** Why an id field cannot be read, as the reference's rejection reasons name it. */
export function idProblem(value: unknown): IdProblem | undefined {
  if (value === undefined || value === null) return "absent";
  return normalizeId(value) === undefined ? "not_an_id" : undefined;
}
