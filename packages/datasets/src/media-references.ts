const MEDIA_REFERENCE = /@@@langfuseMedia:(.+?)@@@/g;
const MARKER = "@@@langfuseMedia:";

/** The item fields that can hold media references, in the order responses list them. */
export const MEDIA_FIELDS = ["input", "expectedOutput", "metadata"] as const;
export type MediaField = (typeof MEDIA_FIELDS)[number];

/** One `@@@langfuseMedia:…@@@` string found in an item field. */
export interface FoundReference {
  field: MediaField;
  /** Where the string holding it sits in the field, in bracket notation: `$`, `$['image']`, `$['pages'][0]`. */
  jsonPath: string;
  referenceString: string;
  mediaId: string;
}

/** The media id of one reference's `type=…|id=…|source=…` fields, if it names all three. */
function mediaIdOf(fields: string): string | undefined {
  const named = new Map(
    fields.split("|").map((field) => {
      const at = field.indexOf("=");
      return at < 0 ? [field, ""] : [field.slice(0, at), field.slice(at + 1)];
    }),
  );
  const id = named.get("id");
  return id && named.get("type") && named.get("source") ? id : undefined;
}

/** A key as a bracket step; quotes and backslashes in it are escaped so that every path reads back to one key. */
function keyStep(key: string): string {
  return `['${key.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}']`;
}

function collect(field: MediaField, value: unknown, path: string, into: FoundReference[]): void {
  if (typeof value === "string") {
    if (!value.includes(MARKER)) return;
    for (const match of value.matchAll(MEDIA_REFERENCE)) {
      const mediaId = mediaIdOf(match[1]!);
      if (mediaId) into.push({ field, jsonPath: path, referenceString: match[0], mediaId });
    }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) collect(field, item, `${path}[${index}]`, into);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) collect(field, item, path + keyStep(key), into);
  }
}

/**
 * Every media reference in an item's fields, in document order: in strings at any depth, several
 * to a string when it holds several.
 */
export function findMediaReferences(values: Partial<Record<MediaField, unknown>>): FoundReference[] {
  const found: FoundReference[] = [];
  for (const field of MEDIA_FIELDS) collect(field, values[field], "$", found);
  return found;
}
