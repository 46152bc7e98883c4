const NAME = /^[A-Za-z_$\u0080-\uffff][\w$\-\u0080-\uffff]*/;
const INDEX = /^-?\d+$/;
const SLICE = /^-?\d*:-?\d*(:-?\d*)?$/;
const QUOTED = /^('([^'\\]|\\.)*'|"([^"\\]|\\.)*")$/;

/** Quotes closed and brackets and parentheses paired, quoted text aside. */
function balanced(path: string): boolean {
  const open: string[] = [];
  let quote: string | undefined;
  for (const char of path) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "[" || char === "(") open.push(char);
    else if (char === "]" || char === ")") {
      if (open.pop() !== (char === "]" ? "[" : "(")) return false;
    }
  }
  return quote === undefined && open.length === 0;
}

/** Where the bracket opened at `start` closes, skipping quoted text and nested brackets. */
function closingBracket(path: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let at = start; at < path.length; at++) {
    const char = path[at]!;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === "[") depth++;
    else if (char === "]" && --depth === 0) return at;
  }
  return -1;
}

function validSelector(inside: string): boolean {
  const selector = inside.trim();
  if (selector === "*" || INDEX.test(selector) || SLICE.test(selector)) return true;
  if (/^\?\(.*\)$/s.test(selector) || /^\(.*\)$/s.test(selector)) return true;
  const members = selector.split(",").map((member) => member.trim());
  return members.every((member) => QUOTED.test(member)) || members.every((member) => INDEX.test(member));
}

/** Whether `path` is a JSONPath expression: `$`, then `.name`, `..name`, `.*` and bracket selectors. */
export function isJsonPath(path: string): boolean {
  if (!path.startsWith("$") || !balanced(path)) return false;
  let at = 1;
  while (at < path.length) {
    if (path[at] === "[") {
      const end = closingBracket(path, at);
      if (end < 0 || !validSelector(path.slice(at + 1, end))) return false;
      at = end + 1;
      continue;
    }
    if (path[at] !== ".") return false;
    at += path.startsWith("..", at) ? 2 : 1;
    if (path[at] === "[" && path[at - 2] === ".") continue;
    if (path[at] === "*") {
      at++;
      continue;
    }
    const name = NAME.exec(path.slice(at));
    if (!name) return false;
    at += name[0].length;
  }
  return true;
}
