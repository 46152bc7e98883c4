import type { Database } from "@wick/postgres";
import { bumpWriteGeneration, writeGeneration } from "./repository.ts";

/**
 * Where a project's prompt write generation lives. Cached resolutions are keyed by it, so it must
 * move with every write that every reader can observe.
 */
export interface WriteGenerations {
  /** Called inside the write's transaction. */
  bumpInTransaction(tx: Database, projectId: string): Promise<void>;
  /** Called once the write has committed. */
  afterCommit(projectId: string): void;
  current(projectId: string): Promise<number> | number;
}

/**
 * In this process only: right when no other process can write to the database, as with embedded
 * PGlite, whose data directory one process holds. Costs nothing per read.
 */
export class LocalWriteGenerations implements WriteGenerations {
  private readonly generations = new Map<string, number>();

  async bumpInTransaction(): Promise<void> {}

  afterCommit(projectId: string): void {
    this.generations.set(projectId, (this.generations.get(projectId) ?? 0) + 1);
  }

  current(projectId: string): number {
    return this.generations.get(projectId) ?? 0;
  }
}

/**
 * In Postgres: right when several Wick instances share a database server. One indexed read per
 * cached prompt read.
 */
export class SharedWriteGenerations implements WriteGenerations {
  constructor(private readonly db: Database) {}

  bumpInTransaction(tx: Database, projectId: string): Promise<void> {
    return bumpWriteGeneration(tx, projectId);
  }

  afterCommit(): void {}

  current(projectId: string): Promise<number> {
    return writeGeneration(this.db, projectId);
  }
}
