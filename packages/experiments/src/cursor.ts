import { InvalidRequestError } from "@wick/errors";

export class InvalidCursorError extends InvalidRequestError {}

/** The position after the last row of a page, in the reference's versioned cursor fields. */
export interface ExperimentCursor {
  v: 1;
  lastTime: string;
  lastTraceId: string;
  lastId: string;
  lastExperimentId: string;
  /**
   * Wick's addition, for the experiments list: when the first page was read. Later pages order
   * experiments by their latest event received by then, so an experiment that gains newer events
   * while a client pages does not jump ahead of the cursor and get skipped.
   */
  asOf?: string;
}

export function encodeCursor(cursor: ExperimentCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

const isInstant = (value: unknown) => typeof value === "string" && !Number.isNaN(Date.parse(value));

export function decodeCursor(raw: string): ExperimentCursor {
  let parsed: Partial<ExperimentCursor> | null;
  try {
    // Node's base64url decoder also takes the standard alphabet and padding.
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError("Invalid cursor format");
  }
  if (
    parsed?.v !== 1 ||
    !isInstant(parsed.lastTime) ||
    typeof parsed.lastTraceId !== "string" ||
    typeof parsed.lastId !== "string" ||
    typeof parsed.lastExperimentId !== "string" ||
    (parsed.asOf !== undefined && !isInstant(parsed.asOf))
  ) {
    throw new InvalidCursorError("Invalid cursor format");
  }
  return parsed as ExperimentCursor;
}
