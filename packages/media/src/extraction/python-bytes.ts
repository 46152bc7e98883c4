/** `b'…'` or `b"…"`: how Python SDKs print a `bytes` value that lands in a traced attribute. */
export function isPythonBytesLiteral(value: string): boolean {
  const quote = value[1];
  return value.length >= 3 && value[0] === "b" && (quote === "'" || quote === '"') && value.at(-1) === quote;
}

const SIMPLE_ESCAPES: Record<string, number> = { "\\": 0x5c, "'": 0x27, '"': 0x22, a: 0x07, b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };

/**
 * The bytes a Python bytes literal stands for: printable ASCII as is, `\xHH`, octal and the
 * one-letter escapes. Undefined for anything else (a character above ASCII cannot be in one).
 */
export function decodePythonBytes(literal: string): Buffer | undefined {
  const body = literal.slice(2, -1);
  const out: number[] = [];
  for (let index = 0; index < body.length; index += 1) {
    const code = body.charCodeAt(index);
    if (code > 0x7f) return undefined;
    if (body[index] !== "\\") {
      out.push(code);
      continue;
    }
    const next = body[index + 1];
    if (next === undefined) return undefined;
    if (next === "x") {
      const hex = body.slice(index + 2, index + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out.push(Number.parseInt(hex, 16));
      index += 3;
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(body.slice(index + 1))![0];
      out.push(Number.parseInt(octal, 8) & 0xff);
      index += octal.length;
    } else if (next in SIMPLE_ESCAPES) {
      out.push(SIMPLE_ESCAPES[next]!);
      index += 1;
    } else {
      // Python keeps an unknown escape as the backslash and the character.
      out.push(0x5c);
    }
  }
  return Buffer.from(out);
}
