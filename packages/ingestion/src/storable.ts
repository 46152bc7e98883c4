/**
 * How deeply arrays and objects may nest inside one event, counted from the event itself. Far
 * beyond any real payload, and far below where recursive JSON encoding runs out of stack (about
 * 5,000 levels) or ClickHouse's JSON functions stop parsing (1,024).
 */
export const MAX_NESTING_DEPTH = 256;

// With the `u` flag a surrogate range matches only a surrogate that is not half of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | undefined;
  key: string | number | undefined;
}

function pathOf(visit: Visit): string {
  const parts: Array<string | number> = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) parts.push(at.key);
  return parts.length === 0 ? "event" : parts.reverse().join(".");
}

function loneSurrogateAt(text: string): string {
  const index = text.search(LONE_SURROGATE);
  return `\\u${text.charCodeAt(index).toString(16).padStart(4, "0")} at character ${index}`;
}

/**
 * Why `value` cannot be stored, naming where in it, or undefined when it can. Refused: strings
 * (values and keys) with an unpaired UTF-16 surrogate, which is no character at all and which
 * ClickHouse cannot parse, and nesting deeper than MAX_NESTING_DEPTH. Iterative, so that the check
 * itself cannot exhaust the stack on the input it exists to refuse.
 */
export function unstorableReason(value: unknown): string | undefined {
  const stack: Visit[] = [{ value, depth: 0, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const current = visit.value;
    if (typeof current === "string") {
      if (LONE_SURROGATE.test(current)) return `${pathOf(visit)}: contains an unpaired UTF-16 surrogate (${loneSurrogateAt(current)}), which cannot be stored`;
      continue;
    }
    if (current === null || typeof current !== "object") continue;
    if (visit.depth >= MAX_NESTING_DEPTH) return `${pathOf(visit)}: nested deeper than ${MAX_NESTING_DEPTH} levels`;
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) stack.push({ value: current[index], depth: visit.depth + 1, parent: visit, key: index });
      continue;
    }
    for (const [key, child] of Object.entries(current)) {
      if (LONE_SURROGATE.test(key)) {
        return `${pathOf(visit)}: the key ${JSON.stringify(key)} contains an unpaired UTF-16 surrogate (${loneSurrogateAt(key)}), which cannot be stored`;
      }
      stack.push({ value: child, depth: visit.depth + 1, parent: visit, key });
    }
  }
  return undefined;
}
