const INDEX = /^\d+$/;
const FORBIDDEN = new Set(["__proto__", "constructor", "prototype"]);
/** Bound on array slots one reconstruction may create, so `x.99999999.y` cannot allocate a huge array. */
const MAX_ARRAY_SLOTS = 10_001;

type Node = Record<string, unknown> | unknown[];

/**
 * Rebuilds a structure from flattened attribute keys (`gen_ai.prompt.0.content`,
 * `llm.input_messages.0.message.role`): numeric segments are array indices. The exact prefix key,
 * when present, is returned as it is.
 */
export function rebuildFlattened(attributes: Record<string, unknown>, prefix: string): unknown {
  if (prefix in attributes) return attributes[prefix];
  const entries = Object.entries(attributes)
    .filter(([key]) => key.startsWith(`${prefix}.`))
    .map(([key, value]) => [key.slice(prefix.length + 1).split("."), value] as const)
    .filter(([path]) => !path.some((segment) => FORBIDDEN.has(segment)));
  const root: Node = entries.some(([path]) => INDEX.test(path[0]!)) ? [] : {};
  let slots = 0;
  for (const [path, value] of entries) {
    let node: Node = root;
    for (let i = 0; i < path.length; i += 1) {
      const segment = path[i]!;
      const index = Array.isArray(node) && INDEX.test(segment) ? Number(segment) : undefined;
      if (Array.isArray(node) && index !== undefined && index >= node.length) {
        const needed = index + 1 - node.length;
        if (slots + needed > MAX_ARRAY_SLOTS) break;
        slots += needed;
      }
      const container = node as Record<string | number, unknown>;
      const key = index ?? segment;
      if (i === path.length - 1) {
        container[key] = value;
      } else {
        if (container[key] === null || typeof container[key] !== "object") container[key] = INDEX.test(path[i + 1]!) ? [] : {};
        node = container[key] as Node;
      }
    }
  }
  return root;
}
