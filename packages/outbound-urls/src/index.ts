export { MalformedAllowlistEntryError, OutboundAllowlist, type AllowlistEntries } from "./allowlist.ts";
export { findOutboundUrlProblem, type OutboundUrlProblem } from "./outbound-url.ts";
