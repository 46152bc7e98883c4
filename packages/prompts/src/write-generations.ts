import { sql } from "drizzle-orm";
import { InstanceChannel, type Database, type ListeningSession, type PostgresStore } from "@wick/postgres";
import { PromptRepository } from "./prompt-repository.ts";

/**
 * Where a project's prompt write generation lives. Cached resolutions are keyed by it, so it must
 * move with every write that every reader can observe.
 */
export interface WriteGenerations {
  /** Called inside the write's transaction. */
  bumpInTransaction(tx: Database, projectId: string): Promise<void>;
  /** Called once the write has committed; the write is answered when this settles. */
  afterCommit(projectId: string): Promise<void> | void;
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

const WRITES_CHANNEL = "wick_prompt_writes";

function parseNotice(message: unknown): { projectId: string; generation: number } | undefined {
  const { projectId, generation } = (message ?? {}) as { projectId?: unknown; generation?: unknown };
  return typeof projectId === "string" && typeof generation === "number" ? { projectId, generation } : undefined;
}

/**
 * In Postgres, for several Wick instances sharing a database server, with no round trip per
 * cached read while the instance's listening connection holds a lease.
 *
 * Every write bumps the generation row and notifies it in its transaction, and is answered once
 * every instance has heard it (`InstanceChannel.barrier`). Each instance records the generations it
 * hears of, and the ones it reads while listening, per listening session: a read made under a
 * session that has since ended must not be trusted under the next one.
 */
export class SharedWriteGenerations implements WriteGenerations {
  private readonly channel: InstanceChannel;
  private readonly heard = new WeakMap<ListeningSession, Map<string, number>>();
  private readonly prompts: PromptRepository;

  constructor(store: PostgresStore) {
    this.prompts = new PromptRepository(store.db);
    this.channel = new InstanceChannel(store, {
      channel: WRITES_CHANNEL,
      applicationName: "wick prompt cache",
      onMessage: (session, message) => {
        const notice = parseNotice(message);
        if (notice) this.remember(session, notice.projectId, notice.generation);
      },
    });
  }

  async bumpInTransaction(tx: Database, projectId: string): Promise<void> {
    await new PromptRepository(tx).bumpWriteGeneration(projectId);
    // Delivered when the transaction commits, and never if it rolls back.
    await tx.execute(sql`
      SELECT pg_notify(${WRITES_CHANNEL}, json_build_object('projectId', project_id, 'generation', generation)::text)
      FROM prompt_write_generations WHERE project_id = ${projectId}`);
  }

  afterCommit(): Promise<void> {
    return this.channel.barrier();
  }

  current(projectId: string): Promise<number> | number {
    const session = this.channel.trustedSession();
    if (!session) return this.prompts.writeGeneration(projectId);
    const known = this.heard.get(session)?.get(projectId);
    if (known !== undefined) return known;
    // Read while listening: a write committed after this read is heard of, so the record stays right.
    return this.prompts.writeGeneration(projectId).then((generation) => this.remember(session, projectId, generation));
  }

  private remember(session: ListeningSession, projectId: string, generation: number): number {
    let generations = this.heard.get(session);
    if (!generations) {
      generations = new Map();
      this.heard.set(session, generations);
    }
    const newest = Math.max(generations.get(projectId) ?? 0, generation);
    generations.set(projectId, newest);
    return newest;
  }
}
