import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DataDirectoryLockedError, lockHolder } from "../src/index.ts";

/** A process that opens `file` (or nothing) and waits; resolves once it is running. */
async function processHolding(file: string | undefined): Promise<ChildProcess> {
  const script = file
    ? `require("fs").openSync(${JSON.stringify(file)}, "r"); console.log("ready"); setInterval(() => {}, 1000);`
    : `console.log("ready"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return child;
}

describe("the holder of an embedded chDB data directory", () => {
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), "wick-lock-"));
  const status = join(dir, "status");
  afterEach(() => {
    for (const child of children.splice(0)) child.kill("SIGKILL");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is the live process named in the status file that has it open", async () => {
    writeFileSync(status, "placeholder");
    const holder = await processHolding(status);
    children.push(holder);
    writeFileSync(status, `PID: ${holder.pid}\nStarted at: 2026-12-05 10:00:00\nRevision: 1\n`);
    const found = lockHolder(dir);
    expect(found).toBeInstanceOf(DataDirectoryLockedError);
    expect(found).toMatchObject({ pid: holder.pid, startedAt: "2026-12-05 10:00:00", dataDir: dir });
  });

  it("is nobody when the named process is gone, is this process, or is alive without the file open", async () => {
    const unrelated = await processHolding(undefined);
    children.push(unrelated);
    for (const pid of [unrelated.pid, process.pid, 2 ** 22 + 1]) {
      writeFileSync(status, `PID: ${pid}\nStarted at: 2026-12-05 10:00:00\n`);
      expect(lockHolder(dir)).toBeUndefined();
    }
    rmSync(status);
    expect(lockHolder(dir)).toBeUndefined();
  });
});
