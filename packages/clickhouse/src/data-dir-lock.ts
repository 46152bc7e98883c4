import { readFileSync } from "node:fs";
import { join } from "node:path";

/** chDB could not open its data directory because another live process holds it. */
export class DataDirectoryLockedError extends Error {
  override name = "DataDirectoryLockedError";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly startedAt: string | undefined,
  ) {
    super(`chDB's data directory ${dataDir} is locked by process ${pid}${startedAt ? `, started ${startedAt}` : ""}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * The live process that holds `dataDir`, read from the `status` file chDB writes and locks there
 * (`PID: …` and `Started at: …` lines), or undefined when no other live process is named. chDB
 * itself only reports that a connection failed.
 */
export function lockHolder(dataDir: string): DataDirectoryLockedError | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, "status"), "utf8");
  } catch {
    return undefined;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  const startedAt = /^Started at:\s*(.+)$/m.exec(text)?.[1]?.trim();
  return new DataDirectoryLockedError(dataDir, pid, startedAt);
}
