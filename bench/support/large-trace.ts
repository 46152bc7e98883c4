import { randomUUID } from "node:crypto";

/**
 * The ingestion batches of one trace with `observations` observations (every fourth a generation
 * with model and usage), `perBatch` events each, the trace itself in the first.
 */
export function largeTraceBatches(traceId: string, observations: number, perBatch: number): Array<{ batch: object[] }> {
  const start = Date.now() - observations * 10;
  const batches: Array<{ batch: object[] }> = [];
  for (let offset = 0; offset < observations; offset += perBatch) {
    const batch: object[] = Array.from({ length: Math.min(perBatch, observations - offset) }, (_, i) => {
      const n = offset + i;
      return {
        id: randomUUID(),
        type: n % 4 === 0 ? "generation-create" : "span-create",
        timestamp: new Date().toISOString(),
        body: {
          id: randomUUID(),
          traceId,
          name: `step-${n % 50}`,
          startTime: new Date(start + n * 10).toISOString(),
          endTime: new Date(start + n * 10 + 7).toISOString(),
          input: { messages: [{ role: "user", content: `question ${n}` }] },
          output: `answer ${n}`,
          metadata: { step: n },
          ...(n % 4 === 0 ? { model: "gpt-4o", usage: { input: 120, output: 30 } } : {}),
        },
      };
    });
    if (offset === 0) batch.push({ id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: traceId, name: "large" } });
    batches.push({ batch });
  }
  return batches;
}
