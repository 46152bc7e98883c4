import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, figure, scaled, startReliabilityServer, type Credentials } from "./support.ts";

const ROUNDS = scaled(10, 50);
const VALID_PER_ROUND = 7;

/** A batch body as text with one input nested 5,000 levels deep: JSON.stringify itself cannot write it. */
function poisonedBody(): string {
  const deep = `${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`;
  const now = new Date().toISOString();
  const lone = JSON.stringify({ id: randomUUID(), type: "span-create", timestamp: now, body: { id: "x\ud800", traceId: "t1", name: "s" } });
  return `{"batch":[${lone},{"id":"${randomUUID()}","type":"trace-create","timestamp":"${now}","body":{"id":"${randomUUID()}","input":${deep}}}]}`;
}

describe("poisoned requests among other projects' writes", () => {
  let stop: () => Promise<void>;
  let baseUrl: string;
  let poisoner: Credentials;
  let other: Credentials;
  beforeAll(async () => {
    const started = await startReliabilityServer();
    baseUrl = started.server.baseUrl;
    poisoner = started.project;
    other = await createProject(baseUrl, "bystander");
    stop = started.stop;
  });
  afterAll(async () => stop?.());

  const post = (credentials: Credentials, body: string) =>
    fetch(`${baseUrl}/api/public/ingestion`, { method: "POST", headers: { authorization: credentials.authorization, "content-type": "application/json" }, body });

  it("fail none of the other project's requests, and lose none of its events", async () => {
    let failed = 0;
    let lost = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const traceIds = Array.from({ length: VALID_PER_ROUND }, () => randomUUID());
      const valid = traceIds.map((traceId) =>
        post(other, JSON.stringify({ batch: [{ id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: traceId, name: `round ${round}` } }] })),
      );
      const poisoned = post(poisoner, poisonedBody());
      for (const response of await Promise.all(valid)) {
        const body = (await response.json()) as { errors?: unknown[] };
        if (response.status !== 207 || body.errors?.length) failed += 1;
      }
      expect((await poisoned).status).toBe(207);
      for (const traceId of traceIds) {
        const read = await fetch(`${baseUrl}/api/public/traces/${traceId}`, { headers: { authorization: other.authorization } });
        if (read.status !== 200) lost += 1;
      }
    }
    figure("poisoned rounds", `${failed} of ${ROUNDS * VALID_PER_ROUND} other-project requests failed, ${lost} of their traces missing, over ${ROUNDS} poisoned requests`);
    expect(failed).toBe(0);
    expect(lost).toBe(0);
  });
});
