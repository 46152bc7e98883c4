import type { MetricsView } from "@wick/contracts";
import { observationsV1, observationsV2 } from "./observations.ts";
import { scoreViewsV1, scoreViewsV2 } from "./scores.ts";
import { tracesV1 } from "./traces.ts";
import type { View } from "./types.ts";

export type ApiVersion = "v1" | "v2";

const VIEWS: Record<ApiVersion, ReadonlyMap<string, View>> = {
  v1: new Map([tracesV1, observationsV1, ...scoreViewsV1].map((view) => [view.name, view])),
  v2: new Map([observationsV2, ...scoreViewsV2].map((view) => [view.name, view])),
};

/** The declaration of a view in an API version; undefined for views the version does not have. */
export function viewFor(version: ApiVersion, name: MetricsView): View | undefined {
  return VIEWS[version].get(name);
}

export type { Dimension, DimensionType, Measure, MeasureType, Relation, View } from "./types.ts";
