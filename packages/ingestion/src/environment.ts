const VALID = /^[a-z0-9_-]+$/;

/**
 * Langfuse's environment rule: never an error, always a usable name. Lower-cased, the reserved
 * `langfuse` prefixes stripped (repeatedly), cut to 40 characters, `default` when nothing valid is left.
 */
export function normalizeEnvironment(value: unknown): string {
  if (typeof value !== "string") return "default";
  let name = value.toLowerCase();
  for (let stripped = name.replace(/^langfuse[-_]?/, ""); stripped !== name; stripped = name.replace(/^langfuse[-_]?/, "")) {
    name = stripped;
  }
  name = name.slice(0, 40);
  return name.length > 0 && VALID.test(name) ? name : "default";
}
