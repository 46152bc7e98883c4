const MEDIA_REFERENCE = /@@@langfuseMedia:(.+?)@@@/g;
const MARKER = "@@@langfuseMedia:";

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

/** The media ids that the strings of a value reference (`@@@langfuseMedia:…@@@`), each once. */
export function referencedMediaIds(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    if (!value.includes(MARKER)) return into;
    for (const match of value.matchAll(MEDIA_REFERENCE)) {
      const id = mediaIdOf(match[1]!);
      if (id) into.add(id);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) referencedMediaIds(item, into);
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) referencedMediaIds(item, into);
  }
  return into;
}
