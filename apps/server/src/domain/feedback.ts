import { randomUUID } from "node:crypto";
import type { SubmitFeedbackRequest } from "@wick/contracts";
import { ConflictError } from "@wick/errors";
import { ServiceUnavailableError } from "../errors.ts";

/** The reference's self-hosted default: feedback is accepted only where someone will read it. */
export class FeedbackNotConfiguredError extends ConflictError {
  constructor() {
    super("Feedback submission is not configured for this deployment");
  }
}

export const FEEDBACK_TIMEOUT_MS = 5000;

/** The message a chat webhook posts: plain text, one fact per line. */
export function feedbackMessage(projectId: string, feedback: SubmitFeedbackRequest): string {
  return [
    `Feedback on ${feedback.targetType} \`${feedback.target}\` (project ${projectId})`,
    feedback.feedback,
    ...(feedback.goal ? [`Goal: ${feedback.goal}`] : []),
    ...(feedback.referenceUrl ? [`Reference: ${feedback.referenceUrl}`] : []),
  ].join("\n");
}

/**
 * `POST /api/public/feedback`: product feedback about Wick, forwarded to a chat webhook (Slack's
 * incoming-webhook body, `{"text": …}`) when one is configured, and never stored.
 */
export class FeedbackIntake {
  constructor(
    private readonly webhookUrl: string | undefined,
    private readonly timeoutMs = FEEDBACK_TIMEOUT_MS,
  ) {}

  async submit(projectId: string, feedback: SubmitFeedbackRequest): Promise<{ id: string }> {
    if (!this.webhookUrl) throw new FeedbackNotConfiguredError();
    let response: Response;
    try {
      response = await fetch(this.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: feedbackMessage(projectId, feedback) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer();
    } catch (error) {
      throw Object.assign(new ServiceUnavailableError("Feedback could not be delivered"), { cause: error });
    }
    if (!response.ok) throw new ServiceUnavailableError("Feedback could not be delivered");
    return { id: randomUUID() };
  }
}
