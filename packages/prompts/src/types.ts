import type { ChatMessageWithPlaceholders, PromptResolutionGraph } from "@wick/contracts";
import type { PromptRow } from "@wick/postgres";

/** A text prompt's string, or a chat prompt's messages. */
export type PromptContent = string | ChatMessageWithPlaceholders[];

/** One stored version of a prompt. */
export type PromptVersion = Omit<PromptRow, "prompt"> & { prompt: PromptContent };

/** A version as reads return it: composition tags replaced, with the graph of what was composed. */
export type ResolvedPromptVersion = PromptVersion & { resolutionGraph: PromptResolutionGraph | null };

/** Which version of a name a read or delete targets. */
export type VersionSelector = { version: number } | { label: string };
