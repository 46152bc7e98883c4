import { describe, expect, it } from "vitest";
import { ScoreBody, type ScoreConfig } from "@wick/contracts";
import { applyScoreConfig, configIdsOf } from "../src/config-rules.ts";

const config = (fields: Partial<ScoreConfig> & Pick<ScoreConfig, "dataType">): ScoreConfig => ({
  id: "config-1",
  name: "quality",
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
  projectId: "project-1",
  isArchived: false,
  minValue: null,
  maxValue: null,
  categories: null,
  description: null,
  ...fields,
});

/** A score as it leaves the schema check, naming `config-1`. */
const score = (value: number | string, fields: Record<string, unknown> = {}) => ScoreBody.parse({ name: "sent name", traceId: "t", value, configId: "config-1", ...fields });

const reasonOf = (result: ReturnType<typeof applyScoreConfig>) => (result.ok ? undefined : result.reason);

describe("applyScoreConfig", () => {
  it("takes both ends of a NUMERIC range", () => {
    const bounded = config({ dataType: "NUMERIC", minValue: -1, maxValue: 1 });
    expect(applyScoreConfig(score(-1), bounded)).toMatchObject({ ok: true, body: { value: -1, name: "quality", dataType: "NUMERIC" } });
    expect(applyScoreConfig(score(1), bounded)).toMatchObject({ ok: true, body: { value: 1 } });
    expect(reasonOf(applyScoreConfig(score(1.000001), bounded))).toBe("value 1.000001 is above the maximum 1 of config quality");
  });

  it("bounds a NUMERIC config only on the sides it sets", () => {
    expect(applyScoreConfig(score(-1e12), config({ dataType: "NUMERIC", maxValue: 0 })).ok).toBe(true);
    expect(applyScoreConfig(score(1e12), config({ dataType: "NUMERIC", minValue: 0 })).ok).toBe(true);
    expect(applyScoreConfig(score(1e12), config({ dataType: "NUMERIC" })).ok).toBe(true);
  });

  it("refuses a string for a NUMERIC config the score does not type", () => {
    expect(reasonOf(applyScoreConfig(score("0.5"), config({ dataType: "NUMERIC" })))).toBe("value must be a number for the NUMERIC config quality");
  });

  it("refuses a number for a TEXT config, and text outside 1 to 500 characters", () => {
    const text = config({ dataType: "TEXT" });
    const refusal = "value must be a string of 1 to 500 characters for the TEXT config quality";
    expect(reasonOf(applyScoreConfig(score(5), text))).toBe(refusal);
    expect(reasonOf(applyScoreConfig(score(""), text))).toBe(refusal);
    expect(reasonOf(applyScoreConfig(score("x".repeat(501)), text))).toBe(refusal);
    expect(applyScoreConfig(score("x".repeat(500)), text)).toMatchObject({ ok: true, body: { dataType: "TEXT", name: "quality" } });
  });

  it("takes only 0 and 1 for a BOOLEAN config, never their text", () => {
    const boolean = config({ dataType: "BOOLEAN" });
    expect(applyScoreConfig(score(1), boolean)).toMatchObject({ ok: true, body: { dataType: "BOOLEAN" } });
    expect(reasonOf(applyScoreConfig(score(2), boolean))).toBe("value must be 0 or 1 for the BOOLEAN config quality");
    expect(reasonOf(applyScoreConfig(score("1"), boolean))).toBe("value must be 0 or 1 for the BOOLEAN config quality");
  });

  it("matches CATEGORICAL labels exactly and names the config's categories when refusing", () => {
    const categorical = config({
      dataType: "CATEGORICAL",
      categories: [
        { label: "Good", value: 2 },
        { label: "bad", value: 0 },
      ],
    });
    expect(applyScoreConfig(score("Good"), categorical)).toEqual({ ok: true, body: expect.objectContaining({ categoryValue: 2, dataType: "CATEGORICAL" }) });
    expect(reasonOf(applyScoreConfig(score("good"), categorical))).toBe('value "good" is not a category of config quality (categories: "Good", "bad")');
    expect(reasonOf(applyScoreConfig(score(2, { dataType: "NUMERIC" }), categorical))).toBe("dataType NUMERIC does not match the data type CATEGORICAL of config quality");
    expect(reasonOf(applyScoreConfig(score("Good"), config({ dataType: "CATEGORICAL", categories: [] })))).toBe(
      'value "Good" is not a category of config quality (categories: none)',
    );
  });

  it("checks the data type before the archive, and the archive before the value", () => {
    const archived = config({ dataType: "NUMERIC", isArchived: true, maxValue: 1 });
    expect(reasonOf(applyScoreConfig(score("x", { dataType: "CATEGORICAL" }), archived))).toContain("does not match");
    expect(reasonOf(applyScoreConfig(score(5), archived))).toBe("Score config quality is archived and takes no new scores");
  });

  it("leaves a score without a config as it is, whatever config is passed", () => {
    const body = ScoreBody.parse({ name: "free", traceId: "t", value: 99 });
    expect(applyScoreConfig(body, config({ dataType: "BOOLEAN" }))).toEqual({ ok: true, body });
  });
});

describe("configIdsOf", () => {
  it("collects each score event's configId once, ignoring other events and anything that is not a non-empty string", () => {
    const batch = [
      { type: "score-create", body: { configId: "a" } },
      { type: "score-create", body: { configId: "b" } },
      { type: "score-create", body: { configId: "a" } },
      { type: "trace-create", body: { configId: "from-a-trace" } },
      { type: "score-create", body: { configId: "" } },
      { type: "score-create", body: { configId: 7 } },
      { type: "score-create", body: null },
      { type: "score-create" },
      null,
      "score-create",
    ];
    expect(configIdsOf(batch)).toEqual(["a", "b"]);
  });
});
