import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { findOutboundUrlProblem, MalformedAllowlistEntryError, OutboundAllowlist } from "../src/index.ts";
import { isSpecialAddress } from "../src/special-addresses.ts";

const none = new OutboundAllowlist();

describe("isSpecialAddress", () => {
  it.each([
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "127.0.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fd00::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:a00:1",
    "2002:a00:1::",
  ])("counts %s as private or internal", (address) => {
    expect(isSpecialAddress(address)).toBe(true);
  });

  it.each(["8.8.8.8", "52.216.1.1", "172.32.0.1", "2600:1f18::1", "::ffff:8.8.8.8"])("counts %s as public", (address) => {
    expect(isSpecialAddress(address)).toBe(false);
  });
});

describe("findOutboundUrlProblem", () => {
  it.each(["https://52.216.1.1", "http://8.8.8.8:9000/bucket", "https://[2600:1f18::1]"])("accepts %s, a public address", async (url) => {
    expect(await findOutboundUrlProblem(url, none)).toBeUndefined();
  });

  it.each([
    ["http://127.0.0.1:9000", "127.0.0.1 is a private or internal address"],
    ["http://2130706433:9000", "127.0.0.1 is a private or internal address"],
    ["http://[::1]:9000", "::1 is a private or internal address"],
    ["http://169.254.169.254/latest", "169.254.169.254 is a private or internal address"],
    ["http://10.0.0.5", "10.0.0.5 is a private or internal address"],
    ["http://localhost:9000", "localhost is a local or internal host name"],
    ["http://LOCALHOST.:9000", "localhost is a local or internal host name"],
    ["http://minio.local", "minio.local is a local or internal host name"],
    ["http://metadata.google.internal", "metadata.google.internal is a local or internal host name"],
  ])("refuses %s as a private destination", async (url, message) => {
    expect(await findOutboundUrlProblem(url, none)).toEqual({ message, privateDestination: true });
  });

  it("resolves a host name and refuses it when it names this machine", async () => {
    // The machine's own name resolves through the hosts file to a loopback or private address.
    const found = await findOutboundUrlProblem(`http://${hostname()}:9000`, none);
    expect(found?.privateDestination).toBe(true);
    expect(found?.message).toContain(hostname().toLowerCase());
  });

  it.each([
    ["not a URL", "s3.amazonaws.com", '"s3.amazonaws.com" is not a valid URL'],
    ["another scheme", "ftp://52.216.1.1", "only http and https URLs are allowed, not ftp"],
    ["a file URL", "file:///etc/passwd", "only http and https URLs are allowed, not file"],
    ["credentials", "https://user:pass@52.216.1.1", "the URL must not contain a user name or password"],
    ["an unresolvable host", "https://no-such-host.invalid", "the host no-such-host.invalid could not be resolved"],
  ])("refuses %s", async (_case, url, message) => {
    expect(await findOutboundUrlProblem(url, none)).toEqual({ message, privateDestination: false });
  });

  it("lets through what the allowlist names: hosts without resolving them, addresses and ranges", async () => {
    const allowlist = new OutboundAllowlist({ hosts: ["MinIO", "localhost"], ips: ["127.0.0.1"], segments: ["10.0.0.0/8", "fd00::/8"] });
    for (const url of ["http://minio:9000", "http://localhost:9000", "http://127.0.0.1:9000", "http://10.20.30.40", "http://[fd12::1]", `http://${hostname()}:9000`]) {
      expect(await findOutboundUrlProblem(url, allowlist), url).toBeUndefined();
    }
    expect(await findOutboundUrlProblem("http://127.0.0.2", allowlist)).toMatchObject({ privateDestination: true });
    expect(await findOutboundUrlProblem("http://192.168.0.1", allowlist)).toMatchObject({ privateDestination: true });
  });
});

describe("OutboundAllowlist", () => {
  it.each([
    [{ ips: ["10.0.0"] }, "ips", '"10.0.0" is not an IP address'],
    [{ ips: ["minio"] }, "ips", '"minio" is not an IP address'],
    [{ segments: ["10.0.0.0"] }, "segments", '"10.0.0.0" is not a CIDR range such as 10.0.0.0/8 or fd00::/8'],
    [{ segments: ["10.0.0.0/33"] }, "segments", '"10.0.0.0/33" is not a CIDR range such as 10.0.0.0/8 or fd00::/8'],
    [{ segments: ["fd00::/129"] }, "segments", '"fd00::/129" is not a CIDR range such as 10.0.0.0/8 or fd00::/8'],
    [{ segments: ["10.0.0.0/8/1"] }, "segments", '"10.0.0.0/8/1" is not a CIDR range such as 10.0.0.0/8 or fd00::/8'],
  ])("refuses %j, naming the list", (entries, list, message) => {
    const build = () => new OutboundAllowlist({ hosts: [], ips: [], segments: [], ...entries });
    expect(build).toThrowError(MalformedAllowlistEntryError);
    expect(build).toThrowError(message);
    try {
      build();
    } catch (error) {
      expect((error as MalformedAllowlistEntryError).list).toBe(list);
    }
  });
});
