import { z } from "zod";
import { InvalidScoresRequestError } from "../errors.ts";

/** Where the previous v3 page ended: the last row's timestamp (ISO, ms) and id. */
export interface ScoreCursor {
  lastTimestamp: string;
  lastId: string;
}

const CursorJson = z.object({
  v: z.literal(1),
  lastTimestamp: z.string().refine((value) => !Number.isNaN(Date.parse(value))),
  lastId: z.string(),
});

/** base64url without padding, as upstream, so its cursors and Wick's look alike. */
export function encodeCursor(cursor: ScoreCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor })).toString("base64url");
}

export function decodeCursor(text: string): ScoreCursor {
  // Node's decoder skips characters outside the alphabet; a cursor with any is not one of ours.
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new InvalidScoresRequestError("Invalid cursor format");
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw new InvalidScoresRequestError("Invalid cursor format");
  }
  const parsed = CursorJson.safeParse(json);
  if (!parsed.success) throw new InvalidScoresRequestError("Invalid cursor format");
  return { lastTimestamp: parsed.data.lastTimestamp, lastId: parsed.data.lastId };
}
