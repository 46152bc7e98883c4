import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "./support/harness.ts";

/**
 * Two Wick instances on one Postgres server, each with its resolved-prompt cache and its own
 * listening connection. Embedded PGlite belongs to one process, so there is no second instance to
 * test there.
 */
describe.skipIf(!process.env.DATABASE_URL)("cached prompts on two Wick instances sharing a Postgres server", () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp("server");
    second = await createTestApp("server", { stores: first.stores });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const call = (instance: TestApp, method: "GET" | "POST", url: string, payload?: object) =>
    instance.app.inject({ method, url: `/api/public${url}`, headers: { authorization: first.project.basic }, ...(payload ? { payload } : {}) });
  const execute = (sqlText: string) => first.stores.postgres.execute(sqlText);

  let version = 0;
  /** Gives `snippet` a new production version through one instance. */
  const change = async (instance: TestApp) => {
    version += 1;
    const response = await call(instance, "POST", "/v2/prompts", { name: "snippet", prompt: `v${version}`, labels: ["production"] });
    expect(response.statusCode).toBe(201);
  };
  /** What an instance answers for the prompt composed of `snippet`: the cached resolution, once warm. */
  const composed = async (instance: TestApp) => {
    const response = await call(instance, "GET", "/v2/prompts/composed");
    expect(response.statusCode).toBe(200);
    return response.json().prompt as string;
  };
  /** Both instances' listening connections are up and hold a lease. */
  const bothListening = () =>
    vi.waitFor(
      async () => {
        const [row] = await execute(
          `SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'wick prompt cache')::int AS connected,
                  (SELECT count(*) FROM instance_listeners WHERE channel = 'wick_prompt_writes' AND lease_until > clock_timestamp())::int AS leased`,
        );
        expect(row).toEqual({ connected: 2, leased: 2 });
      },
      { timeout: 20_000, interval: 100 },
    );
  const killListeners = async () => execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'wick prompt cache'");

  it("serves a change made through one instance from the other at once, composed prompts included", async () => {
    await change(first);
    expect(
      (await call(first, "POST", "/v2/prompts", { name: "composed", prompt: "Say @@@langfusePrompt:name=snippet|label=production@@@", labels: ["production"] })).statusCode,
    ).toBe(201);
    await bothListening();
    for (let round = 0; round < 10; round += 1) {
      const [writer, reader] = round % 2 === 0 ? [first, second] : [second, first];
      expect(await composed(reader)).toBe(`Say v${version}`);
      expect(await composed(reader)).toBe(`Say v${version}`);
      await change(writer);
      expect(await composed(reader)).toBe(`Say v${version}`);
      expect(await composed(writer)).toBe(`Say v${version}`);
    }
  });

  it("never serves a changed prompt while the listening connections are cut, down or coming back", async () => {
    await bothListening();
    expect(await composed(second)).toBe(`Say v${version}`);
    // Cut both connections while the instances still trust what they heard through them.
    expect(await killListeners()).toHaveLength(2);
    await change(first);
    expect(await composed(second)).toBe(`Say v${version}`);

    // Keep cutting them as they come back, so that reads happen in every state of the connection.
    let cutting = true;
    const cutter = (async () => {
      while (cutting) {
        await killListeners();
        await sleep(50);
      }
    })();
    try {
      for (let round = 0; round < 4; round += 1) {
        const [writer, reader] = round % 2 === 0 ? [first, second] : [second, first];
        expect(await composed(reader)).toBe(`Say v${version}`);
        await change(writer);
        expect(await composed(reader)).toBe(`Say v${version}`);
        await sleep(300);
        expect(await composed(reader)).toBe(`Say v${version}`);
      }
    } finally {
      cutting = false;
      await cutter;
    }

    await bothListening();
    expect(await composed(first)).toBe(`Say v${version}`);
    await change(second);
    expect(await composed(first)).toBe(`Say v${version}`);
  });
});
