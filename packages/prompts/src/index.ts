export { PromptService, type PromptServiceOptions } from "./service.ts";
export type { PromptSummary } from "./listing.ts";
export type { PromptContent, PromptVersion, ResolvedPromptVersion, VersionSelector } from "./types.ts";
export { LocalWriteGenerations, SharedWriteGenerations, type WriteGenerations } from "./write-generations.ts";
