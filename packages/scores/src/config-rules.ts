import type { BatchRules, ScoreBodyValue } from "@wick/ingestion";
import type { ScoreConfig } from "@wick/contracts";

type Checked = ReturnType<BatchRules["checkScore"]>;

const refuse = (reason: string): Checked => ({ ok: false, reason });

/** Why the value does not fit a config of this type, or undefined when it fits. */
function valueProblem(config: ScoreConfig, value: number | string): string | undefined {
  switch (config.dataType) {
    case "NUMERIC":
      if (typeof value !== "number") return `value must be a number for the NUMERIC config ${config.name}`;
      if (config.minValue !== null && value < config.minValue) return `value ${value} is below the minimum ${config.minValue} of config ${config.name}`;
      if (config.maxValue !== null && value > config.maxValue) return `value ${value} is above the maximum ${config.maxValue} of config ${config.name}`;
      return undefined;
    case "CATEGORICAL":
      if (typeof value !== "string" || !(config.categories ?? []).some((category) => category.label === value)) {
        const labels = (config.categories ?? []).map((category) => JSON.stringify(category.label)).join(", ");
        return `value ${JSON.stringify(value)} is not a category of config ${config.name} (categories: ${labels || "none"})`;
      }
      return undefined;
    case "BOOLEAN":
      return value === 0 || value === 1 ? undefined : `value must be 0 or 1 for the BOOLEAN config ${config.name}`;
    case "TEXT":
      return typeof value === "string" && value.length >= 1 && value.length <= 500 ? undefined : `value must be a string of 1 to 500 characters for the TEXT config ${config.name}`;
  }
}

/**
 * A score checked against the config it names, in upstream's order: the config must exist in the
 * project, a given data type must match it, and it must not be archived; then the value must fit.
 * The stored score takes the config's name and type, and a CATEGORICAL label its number.
 */
export function applyScoreConfig(body: ScoreBodyValue, config: ScoreConfig | undefined): Checked {
  if (!body.configId) return { ok: true, body };
  if (!config) return refuse(`Score config ${body.configId} not found within authorized project`);
  if (body.dataType && body.dataType !== config.dataType) {
    return refuse(`dataType ${body.dataType} does not match the data type ${config.dataType} of config ${config.name}`);
  }
  if (config.isArchived) return refuse(`Score config ${config.name} is archived and takes no new scores`);
  const problem = valueProblem(config, body.value);
  if (problem) return refuse(problem);
  const category = config.dataType === "CATEGORICAL" ? config.categories!.find((c) => c.label === body.value) : undefined;
  return { ok: true, body: { ...body, name: config.name, dataType: config.dataType, ...(category ? { categoryValue: category.value } : {}) } };
}

/** The `configId` of each score event in a raw batch, before any validation (others are ignored). */
export function configIdsOf(batch: unknown[]): string[] {
  const ids = new Set<string>();
  for (const element of batch) {
    if (element === null || typeof element !== "object") continue;
    const { type, body } = element as { type?: unknown; body?: { configId?: unknown } };
    if (type === "score-create" && typeof body?.configId === "string" && body.configId) ids.add(body.configId);
  }
  return [...ids];
}
