import { createHash } from "node:crypto";

/**
 * A run's id, derived from what names it: the first 16 hex digits of the SHA-256 of the JSON array
 * `["langfuse-experiment-v1", projectId, datasetId, runName]`, the id upstream's v4 answers. Every
 * first use of a run name, however many arrive at once, agrees on the row to create, so the unique
 * key lets exactly one in; and the SDK experiment runners, which use the id they get back as the
 * experiment id on spans and scores, get the same one for every item of the run and on every call.
 */
export function stableRunId(projectId: string, datasetId: string, runName: string): string {
  return createHash("sha256")
    .update(JSON.stringify(["langfuse-experiment-v1", projectId, datasetId, runName]))
    .digest("hex")
    .slice(0, 16);
}
