import type { MediaService } from "../service.ts";
import { replaceEmbeddedMedia } from "./embedded-media.ts";

/** An ingestion event as the OTLP conversion produces it: traces have no `traceId`, observations do. */
export interface TracedEvent {
  type: string;
  body: Record<string, unknown>;
}

const FIELDS = ["input", "output", "metadata"] as const;

/**
 * Server-side media extraction on the OTLP path (otel.md §8, `LANGFUSE_OTEL_MEDIA_UPLOAD_ENABLED`):
 * files embedded in the traces' and observations' input, output and metadata go to the object
 * store, linked to their trace or observation, and reference strings take their place before the
 * events are stored. A file that fails to store stays where it was and never fails the export.
 */
export class TracedMediaExtraction {
  constructor(
    private readonly media: MediaService,
    private readonly log?: { warn(message: string): void },
  ) {}

  async extract(projectId: string, events: readonly TracedEvent[]): Promise<void> {
    for (const { body } of events) {
      const observationId = typeof body.traceId === "string" && typeof body.id === "string" ? body.id : undefined;
      const traceId = observationId === undefined ? body.id : body.traceId;
      if (typeof traceId !== "string") continue;
      for (const field of FIELDS) {
        if (body[field] == null) continue;
        body[field] = await replaceEmbeddedMedia(body[field], (found) =>
          this.media.storeFound(projectId, found, { kind: "trace", traceId, observationId, field }).catch((error: unknown) => {
            this.log?.warn(`Could not store a ${found.contentType} file found in ${field} of trace ${traceId}: ${error instanceof Error ? error.message : String(error)}`);
            return undefined;
          }),
        );
      }
    }
  }
}
