import { lookup } from "node:dns/promises";
import type { OutboundAllowlist } from "./allowlist.ts";
import { familyOf, isSpecialAddress } from "./special-addresses.ts";

/**
 * Names the special-use domains (RFC 6761, RFC 6762, RFC 8375) and the `.internal` names cloud
 * providers give their own services: none is a public destination, whatever it resolves to.
 */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|home\.arpa)$/;

export interface OutboundUrlProblem {
  message: string;
  /** The URL was refused for reaching a private or internal host, which an allowlist entry would permit. */
  privateDestination: boolean;
}

const problem = (message: string, privateDestination = false): OutboundUrlProblem => ({ message, privateDestination });

async function resolvedAddresses(hostname: string): Promise<string[] | undefined> {
  try {
    return (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return undefined;
  }
}

/**
 * Why Wick must not call the URL on a client's behalf, or undefined when it may: only http(s), no
 * credentials in the URL, and a host that is and resolves to public addresses only, unless the
 * allowlist names it. A host name is resolved as the connection will resolve it (the system
 * resolver, hosts file included); what it resolves to may change later, so whoever connects should
 * check again.
 */
export async function findOutboundUrlProblem(text: string, allowlist: OutboundAllowlist): Promise<OutboundUrlProblem | undefined> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problem(`"${text}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return problem(`only http and https URLs are allowed, not ${url.protocol.slice(0, -1)}`);
  if (url.username || url.password) return problem("the URL must not contain a user name or password");
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  if (allowlist.allowsHost(hostname)) return undefined;
  if (familyOf(hostname)) {
    if (isSpecialAddress(hostname) && !allowlist.allowsAddress(hostname)) return problem(`${hostname} is a private or internal address`, true);
    return undefined;
  }
  if (LOCAL_NAME.test(hostname)) return problem(`${hostname} is a local or internal host name`, true);
  const addresses = await resolvedAddresses(hostname);
  if (!addresses || addresses.length === 0) return problem(`the host ${hostname} could not be resolved`);
  const refused = addresses.find((address) => isSpecialAddress(address) && !allowlist.allowsAddress(address));
  if (refused) return problem(`${hostname} resolves to ${refused}, a private or internal address`, true);
  return undefined;
}
