import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AuthError, displaySecretKey, fastHashSecret, generateKeyPair, parseAuthorizationHeader } from "../src/index.ts";

describe("key pairs", () => {
  it("look like Langfuse's: pk-lf-/sk-lf- and a UUID, never a colon", () => {
    const { publicKey, secretKey } = generateKeyPair();
    expect(publicKey).toMatch(/^pk-lf-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(secretKey).toMatch(/^sk-lf-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(generateKeyPair().secretKey).not.toBe(secretKey);
  });

  it("are hashed as SHA-256(secret ‖ hex SHA-256(salt)), the construction Langfuse stores", () => {
    const secret = "sk-lf-0b9d1c6e-2f55-4c34-8d0f-6a7c1e2b3d4f";
    const saltDigest = createHash("sha256").update(Buffer.from("my-salt")).digest("hex");
    const expected = createHash("sha256")
      .update(Buffer.concat([Buffer.from(secret), Buffer.from(saltDigest)]))
      .digest("hex");
    expect(fastHashSecret(secret, "my-salt")).toBe(expected);
    expect(fastHashSecret(secret, "other-salt")).not.toBe(expected);
  });

  it("are displayed as the first 6 and last 4 characters", () => {
    expect(displaySecretKey("sk-lf-0b9d1c6e-2f55-4c34-8d0f-6a7c1e2b3f9a")).toBe("sk-lf-...3f9a");
  });
});

describe("parseAuthorizationHeader", () => {
  it("recognises the two schemes case-sensitively", () => {
    expect(parseAuthorizationHeader("Basic abc")).toEqual({ scheme: "basic", token: "abc" });
    expect(parseAuthorizationHeader("Bearer pk-lf-1 ")).toEqual({ scheme: "bearer", token: "pk-lf-1 " });
    expect(() => parseAuthorizationHeader("bearer pk")).toThrowError(AuthError);
    expect(() => parseAuthorizationHeader(undefined)).toThrowError("No authorization header");
    expect(() => parseAuthorizationHeader("Token x")).toThrowError("Invalid authorization header");
  });
});
