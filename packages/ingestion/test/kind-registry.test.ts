import { IngestionEvent } from "@wick/contracts";
import { describe, expect, it } from "vitest";
import { checkBatch, definitionOf, ENTITY_KINDS, kindOfEventType } from "../src/index.ts";

/** The event types the contracts accept that store no entity: SDK logs, and run items, which are refused per event. */
const ENTITYLESS = ["sdk-log", "dataset-run-item-create"];

const contractTypes = IngestionEvent.options.map((option) => option.shape.type.value as string);
const scope = { projectId: "p", accessLevel: "project" as const, attribution: { publicKey: "pk", sdkName: "s", sdkVersion: "1" } };

describe("entity kind registry", () => {
  it("gives every event type the contracts accept exactly one kind, except the types that store nothing", () => {
    const registered = ENTITY_KINDS.flatMap((definition) => definition.eventTypes);
    expect(new Set(registered).size).toBe(registered.length);
    expect([...registered, ...ENTITYLESS].sort()).toEqual([...contractTypes].sort());
    for (const type of ENTITYLESS) expect(kindOfEventType(type)).toBeUndefined();
  });

  it("finds each kind by its name and by each of its event types", () => {
    for (const definition of ENTITY_KINDS) {
      expect(definitionOf(definition.kind)).toBe(definition);
      for (const type of definition.eventTypes) expect(kindOfEventType(type)).toBe(definition);
    }
  });

  it("logs each accepted event under the kind its type registers", () => {
    const batch = contractTypes
      .filter((type) => kindOfEventType(type))
      .map((type, index) => ({
        id: `e${index}`,
        type,
        timestamp: "2026-01-01T00:00:00.000Z",
        body: type === "score-create" ? { id: `x${index}`, name: "n", value: 1, traceId: "t" } : { id: `x${index}`, ...(type.startsWith("observation-") ? { type: "SPAN" } : {}) },
      }));
    const { accepted, response } = checkBatch(batch, scope);
    expect(response.errors).toEqual([]);
    expect(accepted.map((event) => [event.event.type, event.kind])).toEqual(batch.map((event) => [event.type, kindOfEventType(event.type)!.kind]));
  });

  it("answers an event type no kind registers with a 400 for that event and keeps the others", () => {
    const { accepted, response } = checkBatch(
      [
        { id: "bad", type: "widget-create", timestamp: "2026-01-01T00:00:00.000Z", body: { id: "w" } },
        { id: "good", type: "trace-create", timestamp: "2026-01-01T00:00:00.000Z", body: { id: "t" } },
      ],
      scope,
    );
    expect(response.successes).toEqual([{ id: "good", status: 201 }]);
    expect(response.errors).toMatchObject([{ id: "bad", status: 400 }]);
    expect(response.errors[0]!.message).toContain("type");
    expect(accepted.map((event) => event.entityId)).toEqual(["t"]);
  });
});
