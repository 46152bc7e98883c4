/** Media references (`@@@langfuseMedia:type=…|id=…|source=…@@@`) inside traced strings. */

export type TextSegment = { kind: "text"; text: string } | { kind: "media"; type: string; id: string; source: string; raw: string };

const REFERENCE = /@@@langfuseMedia:([^@]*)@@@/g;

function parseFields(body: string): { type: string; id: string; source: string } | null {
  const fields = new Map<string, string>();
  for (const pair of body.split("|")) {
    const separator = pair.indexOf("=");
    if (separator > 0) fields.set(pair.slice(0, separator), pair.slice(separator + 1));
  }
  const type = fields.get("type");
  const id = fields.get("id");
  if (!type || !id) return null;
  return { type, id, source: fields.get("source") ?? "" };
}

/** The string cut into plain text and references; a malformed reference stays text. */
export function splitMediaReferences(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(REFERENCE)) {
    const fields = parseFields(match[1]!);
    if (!fields) continue;
    if (match.index > last) segments.push({ kind: "text", text: text.slice(last, match.index) });
    segments.push({ kind: "media", ...fields, raw: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) segments.push({ kind: "text", text: text.slice(last) });
  return segments;
}
