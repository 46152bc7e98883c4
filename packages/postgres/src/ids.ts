import { randomBytes } from "node:crypto";

let counter = 0;

/**
 * A new row id in the shape of the reference's cuids (`c` and 24 lowercase base-36 characters):
 * time, a per-process counter and randomness, so ids created together stay distinct.
 */
export function newCuid(): string {
  counter = (counter + 1) % 36 ** 4;
  const random = BigInt(`0x${randomBytes(8).toString("hex")}`)
    .toString(36)
    .padStart(13, "0")
    .slice(-12);
  return `c${Date.now().toString(36).padStart(8, "0")}${counter.toString(36).padStart(4, "0")}${random}`;
}
