import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { resolve } from "node:path";

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
 * Whether process `pid` has `file` open. A process killed without cleaning up leaves its PID in the
 * status file, and another process may get that PID later; only the holder has the file open.
 * Where another process's descriptors cannot be listed (not Linux, another user), being alive is
 * taken as holding it.
 */
function holdsOpen(pid: number, file: string): boolean {
  let descriptors: string[];
  try {
    descriptors = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return true;
  }
  return descriptors.some((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
    } catch {
      return false;
    }
  });
}

/**
 * The live process that holds `dataDir`, read from the `status` file chDB writes and locks there
 * (`PID: …` and `Started at: …` lines), or undefined when no other live process holds it. chDB
 * itself only reports that a connection failed; this also lets a caller check before opening chDB.
 */
export function lockHolder(dataDir: string): DataDirectoryLockedError | undefined {
  const statusFile = resolve(dataDir, "status");
  let text: string;
  try {
    text = readFileSync(statusFile, "utf8");
  } catch {
    return undefined;
  }
  const pid = Number(/^PID:\s*(\d+)/m.exec(text)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid) || !holdsOpen(pid, statusFile)) return undefined;
  const startedAt = /^Started at:\s*(.+)$/m.exec(text)?.[1]?.trim();
  return new DataDirectoryLockedError(dataDir, pid, startedAt);
}
