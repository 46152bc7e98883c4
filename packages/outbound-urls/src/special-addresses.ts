import { BlockList, isIP } from "node:net";

/**
 * Address ranges that are not the public internet: private networks, loopback, link-local (where
 * cloud metadata services answer), shared carrier space, documentation, benchmarking, multicast
 * and reserved space. A URL a client stores must not make Wick reach into these on its behalf.
 */
const SPECIAL_SUBNETS: Array<[address: string, prefix: number, family: "ipv4" | "ipv6"]> = [
  ["0.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.0.2.0", 24, "ipv4"],
  ["192.88.99.0", 24, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["198.51.100.0", 24, "ipv4"],
  ["203.0.113.0", 24, "ipv4"],
  ["224.0.0.0", 4, "ipv4"],
  ["240.0.0.0", 4, "ipv4"],
  // Unspecified, loopback and IPv4-compatible; these and 6to4 addresses embed an IPv4 address
  // that may be a private one.
  ["::", 96, "ipv6"],
  ["2002::", 16, "ipv6"],
  ["64:ff9b:1::", 48, "ipv6"],
  ["100::", 64, "ipv6"],
  ["2001::", 23, "ipv6"],
  ["2001:db8::", 32, "ipv6"],
  ["fc00::", 7, "ipv6"],
  ["fe80::", 10, "ipv6"],
  ["fec0::", 10, "ipv6"],
  ["ff00::", 8, "ipv6"],
];

const special = new BlockList();
for (const [address, prefix, family] of SPECIAL_SUBNETS) special.addSubnet(address, prefix, family);

export function familyOf(address: string): "ipv4" | "ipv6" | undefined {
  const version = isIP(address);
  return version === 4 ? "ipv4" : version === 6 ? "ipv6" : undefined;
}

/** True for an address outside the public internet; IPv4-mapped IPv6 addresses count as their IPv4 address. */
export function isSpecialAddress(address: string): boolean {
  const family = familyOf(address);
  if (!family) throw new Error(`not an IP address: ${address}`);
  return special.check(address, family);
}
