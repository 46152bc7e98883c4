import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EncryptionKey, EncryptionKeyMissingError, MalformedEncryptionKeyError, SecretBox, secretsWith, UnreadableSecretError } from "../src/index.ts";

const newKey = () => EncryptionKey.fromHex(randomBytes(32).toString("hex"));

/** The sealed value with one bit of the named part flipped. */
function flipBit(sealed: string, part: 1 | 2 | 3): string {
  const parts = sealed.split(":");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[0]! ^= 1;
  parts[part] = bytes.toString("base64url");
  return parts.join(":");
}

describe("EncryptionKey", () => {
  it("takes 64 hex characters in either case", () => {
    const hex = randomBytes(32).toString("hex");
    expect(EncryptionKey.fromHex(hex).bytes).toEqual(Buffer.from(hex, "hex"));
    expect(EncryptionKey.fromHex(hex.toUpperCase()).bytes).toEqual(Buffer.from(hex, "hex"));
  });

  it.each([
    ["too short", "ab".repeat(31)],
    ["too long", "ab".repeat(33)],
    ["not hex", "zz".repeat(32)],
    ["base64 of 32 bytes", randomBytes(32).toString("base64")],
    ["empty", ""],
  ])("refuses a key that is %s, saying how to make one", (_case, text) => {
    expect(() => EncryptionKey.fromHex(text)).toThrowError(MalformedEncryptionKeyError);
    expect(() => EncryptionKey.fromHex(text)).toThrowError(/64 hex characters.*openssl rand -hex 32/);
  });
});

describe("SecretBox", () => {
  it("opens what it sealed, including an empty and a non-ASCII secret", () => {
    const box = new SecretBox(newKey());
    for (const secret of ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "clé secrète ✓"]) {
      expect(box.open(box.seal(secret))).toBe(secret);
    }
  });

  it("writes a self-describing value: version, IV, tag and ciphertext, never the secret", () => {
    const box = new SecretBox(newKey());
    const sealed = box.seal("my-secret-access-key");
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("my-secret-access-key");
  });

  it("uses a fresh IV each time, so equal secrets are stored differently", () => {
    const box = new SecretBox(newKey());
    expect(box.seal("same")).not.toBe(box.seal("same"));
  });

  it.each([1, 2, 3] as const)("refuses a value whose part %i was altered", (part) => {
    const box = new SecretBox(newKey());
    const sealed = box.seal("my-secret-access-key");
    expect(() => box.open(flipBit(sealed, part))).toThrowError(UnreadableSecretError);
  });

  it("refuses to open with another key", () => {
    const sealed = new SecretBox(newKey()).seal("my-secret-access-key");
    expect(() => new SecretBox(newKey()).open(sealed)).toThrowError(/sealed with another ENCRYPTION_KEY, or has been altered/);
  });

  it.each([
    ["plain text", "my-secret-access-key"],
    ["an unknown version", "v9:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AAAA"],
    ["a missing part", "v1:AAAAAAAAAAAAAAAA:AAAA"],
    ["an extra part", "v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA:AAAA:AAAA"],
    ["a short IV", "v1:AAAA:AAAAAAAAAAAAAAAAAAAAAA:AAAA"],
  ])("refuses %s", (_case, value) => {
    expect(() => new SecretBox(newKey()).open(value)).toThrowError(UnreadableSecretError);
  });
});

describe("secretsWith", () => {
  it("seals and opens with a key", () => {
    const secrets = secretsWith(newKey());
    expect(secrets.available).toBe(true);
    expect(secrets.open(secrets.seal("s3cret"))).toBe("s3cret");
  });

  it("refuses to seal without a key, naming the variable to set", () => {
    const secrets = secretsWith(undefined);
    expect(secrets.available).toBe(false);
    expect(() => secrets.seal("s3cret")).toThrowError(EncryptionKeyMissingError);
    expect(() => secrets.seal("s3cret")).toThrowError(/ENCRYPTION_KEY is not set, so Wick can neither store nor read secrets.*openssl rand -hex 32/);
    expect(() => secrets.open("v1:AAAA:AAAA:AAAA")).toThrowError(EncryptionKeyMissingError);
  });
});
