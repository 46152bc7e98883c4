import { scores, type ScoreRow } from "@wick/clickhouse";
import { normalizeEnvironment } from "../environment.ts";
import { foldScore } from "../fold/score.ts";
import { metadataObject } from "../json-values.ts";
import { sentFields, type EntityKindDefinition, type Folded } from "./entity-kind.ts";

const OMITTED = new Set(["environment", "dataType", "source"]);

export const scoreKind: EntityKindDefinition<"score", Folded<ScoreRow>> = {
  kind: "score",
  eventTypes: ["score-create"],
  table: scores,
  normalize(event, envelope) {
    if (event.type !== "score-create") return undefined;
    const { body } = event;
    if (!body.id) return undefined;
    const dataType = body.dataType ?? (typeof body.value === "number" ? "NUMERIC" : "CATEGORICAL");
    return {
      entityId: body.id,
      event: {
        ...envelope,
        body: {
          ...sentFields(body, OMITTED),
          dataType,
          name: dataType === "CORRECTION" ? "output" : body.name,
          source: body.source ?? "API",
          environment: normalizeEnvironment(body.environment),
          metadata: metadataObject(body.metadata),
        },
      },
    };
  },
  fold: (projectId, entityId, events, attribution) => ({ row: foldScore(projectId, entityId, events, attribution) }),
};
