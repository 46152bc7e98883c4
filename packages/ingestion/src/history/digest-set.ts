import { hash } from "node:crypto";

/** The 16-byte MD5 of a key: computed here for lookups and by ClickHouse (`MD5`) when loading. */
export const digestOf = (key: string): Buffer => hash("md5", key, "buffer");

const HASHES = 10;
/** Bits per member for a false-positive rate of about 0.1% with ten hashes. */
const BITS_PER_MEMBER = 15;
const FIRST_CAPACITY = 1 << 16;

/** Two 32-bit words of the digest for double hashing; MD5's words are independent enough. */
function hashWords(digest: Uint8Array): [number, number] {
  const view = new DataView(digest.buffer, digest.byteOffset, 16);
  return [view.getUint32(0), view.getUint32(4) | 1];
}

class Segment {
  readonly bits: Uint32Array;
  readonly size: number;
  members = 0;

  constructor(readonly capacity: number) {
    this.size = capacity * BITS_PER_MEMBER;
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }

  add(digest: Uint8Array): void {
    const [h1, h2] = hashWords(digest);
    for (let i = 0; i < HASHES; i += 1) {
      const position = ((h1 + Math.imul(i, h2)) >>> 0) % this.size;
      this.bits[position >>> 5]! |= 1 << (position & 31);
    }
    this.members += 1;
  }

  has(digest: Uint8Array): boolean {
    const [h1, h2] = hashWords(digest);
    for (let i = 0; i < HASHES; i += 1) {
      const position = ((h1 + Math.imul(i, h2)) >>> 0) % this.size;
      if ((this.bits[position >>> 5]! & (1 << (position & 31))) === 0) return false;
    }
    return true;
  }
}

/**
 * A set of digests that may answer "present" for an absent member (about 0.1% per segment) but
 * never "absent" for a present one. It grows by adding segments of doubling capacity, so it needs
 * no size up front and stays near 2 bytes per member.
 */
export class DigestSet {
  private readonly segments: Segment[] = [new Segment(FIRST_CAPACITY)];

  add(digest: Uint8Array): void {
    // A member already (or seemingly) present would only use up capacity.
    if (this.mayContain(digest)) return;
    let last = this.segments[this.segments.length - 1]!;
    if (last.members >= last.capacity) {
      last = new Segment(last.capacity * 2);
      this.segments.push(last);
    }
    last.add(digest);
  }

  mayContain(digest: Uint8Array): boolean {
    return this.segments.some((segment) => segment.has(digest));
  }

  get bytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.bits.byteLength, 0);
  }
}
