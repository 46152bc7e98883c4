import { IngestionEvent, type IngestionResponse, type ScoreBody } from "@wick/contracts";
import type { z } from "zod";
import type { Attribution, EntityEvent } from "./events.ts";
import { normalizeEvent } from "./normalize.ts";
import { unstorableReason } from "./storable.ts";

export interface BatchScope {
  projectId: string;
  /** `scores`: a public key alone, which may send scores and SDK logs only. */
  accessLevel: "project" | "scores";
  attribution: Attribution;
}

export interface CheckedBatch {
  /** Events to write, each tied to its entity. */
  accepted: EntityEvent[];
  /** The 207 body, to send once the accepted events are written. */
  response: IngestionResponse;
  /** SDK log events, acknowledged by their absence from the response, as the reference does. */
  sdkLogs: unknown[];
}

/**
 * Rules an event must meet beyond its shape that need stored data (score configs live in
 * Postgres). The caller loads that data first, so the check itself stays synchronous.
 */
export interface BatchRules {
  /**
   * The score body to store, or why it is refused. A config renames the score, sets its type and
   * gives a CATEGORICAL label its number (`categoryValue`, logged with the event and read by the fold).
   */
  checkScore(body: ScoreBodyValue): { ok: true; body: ScoreBodyValue & { categoryValue?: number } } | { ok: false; reason: string };
}

export type ScoreBodyValue = z.output<typeof ScoreBody>;

const SCOPE_FREE_TYPES = new Set(["score-create", "sdk-log"]);
const isUpdate = (type: string) => type.endsWith("-update");

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "event"}: ${issue.message}`).join("; ");
}

/**
 * Validates each event on its own: a bad event is reported in `errors` and never costs the others
 * their place. Successes are listed in the order the reference uses (non-updates, then updates,
 * each by envelope timestamp).
 */
export function checkBatch(batch: unknown[], scope: BatchScope, rules?: BatchRules): CheckedBatch {
  const schemaErrors: IngestionResponse["errors"] = [];
  const scopeErrors: IngestionResponse["errors"] = [];
  const valid: IngestionEvent[] = [];
  const sdkLogs: unknown[] = [];

  for (const element of batch) {
    const id = element !== null && typeof element === "object" && typeof (element as { id?: unknown }).id === "string" ? (element as { id: string }).id : "unknown";
    // Refused before the schema: a value storage cannot take would fail the whole write round.
    const unstorable = unstorableReason(element);
    if (unstorable) {
      schemaErrors.push({ id, status: 400, message: `Invalid request data: ${unstorable}`, error: "InvalidRequestError" });
      continue;
    }
    const parsed = IngestionEvent.safeParse(element);
    if (!parsed.success) {
      schemaErrors.push({
        id,
        status: 400,
        message: `Invalid request data: ${describeIssues(parsed.error.issues)}`,
        error: JSON.stringify(parsed.error.issues, null, 2),
      });
    } else if (scope.accessLevel === "scores" && !SCOPE_FREE_TYPES.has(parsed.data.type)) {
      scopeErrors.push({ id, status: 401, message: "Authentication error", error: "Access Scope Denied" });
    } else if (parsed.data.type === "sdk-log") {
      sdkLogs.push(parsed.data.body.log);
    } else if (parsed.data.type === "score-create" && rules) {
      // Refused here rather than dropped after acknowledgement, as the reference does.
      const checked = rules.checkScore(parsed.data.body);
      if (checked.ok) valid.push({ ...parsed.data, body: checked.body });
      else schemaErrors.push({ id, status: 400, message: checked.reason, error: "InvalidRequestError" });
    } else {
      valid.push(parsed.data);
    }
  }

  // Array#sort is stable: equal timestamps keep their input order.
  const byTime = (events: IngestionEvent[]) => [...events].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  const successesOrder = [...byTime(valid.filter((e) => !isUpdate(e.type))), ...byTime(valid.filter((e) => isUpdate(e.type)))];

  const accepted: EntityEvent[] = [];
  for (const event of valid) {
    const normalized = normalizeEvent(event);
    if (normalized) accepted.push({ projectId: scope.projectId, attribution: scope.attribution, ...normalized });
  }
  return {
    accepted,
    sdkLogs,
    response: {
      successes: successesOrder.map((event) => ({ id: event.id, status: 201 })),
      errors: [...schemaErrors, ...scopeErrors],
    },
  };
}
