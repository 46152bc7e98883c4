import { BlockList } from "node:net";
import { familyOf } from "./special-addresses.ts";

export interface AllowlistEntries {
  /** Host names taken as they are, without resolving them. */
  hosts: string[];
  /** Single addresses that may be private. */
  ips: string[];
  /** CIDR ranges (`10.0.0.0/8`, `fd00::/8`) that may be private. */
  segments: string[];
}

/** An allowlist entry that is not an address or range; `list` says which list held it. */
export class MalformedAllowlistEntryError extends Error {
  override name = "MalformedAllowlistEntryError";
  constructor(
    readonly list: "ips" | "segments",
    message: string,
  ) {
    super(message);
  }
}

function addSegment(allowed: BlockList, segment: string): void {
  const [address, prefixText, ...rest] = segment.split("/");
  const family = address === undefined ? undefined : familyOf(address);
  const prefix = Number(prefixText);
  const maxPrefix = family === "ipv4" ? 32 : 128;
  if (!family || rest.length > 0 || !/^\d{1,3}$/.test(prefixText ?? "") || prefix > maxPrefix) {
    throw new MalformedAllowlistEntryError("segments", `"${segment}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8`);
  }
  allowed.addSubnet(address!, prefix, family);
}

/**
 * The private or internal destinations an operator lets outbound URLs reach, such as a MinIO on
 * the deployment's own network.
 */
export class OutboundAllowlist {
  private readonly hosts: Set<string>;
  private readonly addresses = new BlockList();

  constructor(entries: AllowlistEntries = { hosts: [], ips: [], segments: [] }) {
    this.hosts = new Set(entries.hosts.map((host) => host.toLowerCase()));
    for (const ip of entries.ips) {
      const family = familyOf(ip);
      if (!family) throw new MalformedAllowlistEntryError("ips", `"${ip}" is not an IP address`);
      this.addresses.addAddress(ip, family);
    }
    for (const segment of entries.segments) addSegment(this.addresses, segment);
  }

  allowsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase());
  }

  allowsAddress(address: string): boolean {
    const family = familyOf(address);
    return family !== undefined && this.addresses.check(address, family);
  }
}
