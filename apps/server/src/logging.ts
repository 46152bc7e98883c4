import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * The process logger. `text` is one readable line per event for a person at a terminal (coloured
 * only when the output is one); `json` is pino's line-delimited JSON for log collectors.
 */
export function createLogger(level: string, format: LogFormat, destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): Logger {
  if (format === "json") return pino({ level }, destination);
  return pino(
    { level },
    // Formatting on the main thread keeps start-up free of a worker and keeps lines in order with
    // the banner written straight to stdout.
    pretty({
      destination,
      sync: true,
      colorize: destination.isTTY === true,
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,reqId",
      singleLine: true,
    }),
  );
}
