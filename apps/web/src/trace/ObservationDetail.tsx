import type { ObservationsView, ScoreV1, TraceWithFullDetails } from "@wick/contracts";
import { CopyButton } from "../common/CopyButton.tsx";
import { formatCost, formatCount, formatDuration, formatTime } from "../common/format.ts";
import { Link } from "../routing/Link.tsx";
import { Comments } from "./Comments.tsx";
import { IoView } from "./IoView.tsx";
import { JsonView } from "./JsonView.tsx";
import { typeMark } from "./types.ts";

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Scores({ scores }: { scores: ScoreV1[] }) {
  if (scores.length === 0) return null;
  return (
    <section>
      <h3>Scores</h3>
      <table className="compact">
        <tbody>
          {scores.map((score) => (
            <tr key={score.id}>
              <td>{score.name}</td>
              <td className="num">{score.stringValue ?? score.value}</td>
              <td className="muted">{score.source}</td>
              <td>{score.comment}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Metadata({ value }: { value: Record<string, unknown> }) {
  if (Object.keys(value).length === 0) return null;
  return (
    <section>
      <h3>Metadata</h3>
      <div className="json">
        <JsonView value={value} />
      </div>
    </section>
  );
}

const costOf = (observation: ObservationsView) => observation.costDetails.total ?? observation.calculatedTotalCost;

export function TraceDetail({ trace }: { trace: TraceWithFullDetails }) {
  return (
    <article className="detail" aria-label="Trace details">
      <h2>
        {typeMark("TRACE")} {trace.name ?? "Trace"}
      </h2>
      <dl className="fields">
        <Field label="Trace id">
          <code>{trace.id}</code> <CopyButton value={trace.id} />
        </Field>
        <Field label="Time">{formatTime(trace.timestamp)}</Field>
        <Field label="Latency">{formatDuration(trace.latency * 1000)}</Field>
        <Field label="Total cost">{formatCost(trace.totalCost)}</Field>
        {trace.userId && <Field label="User">{trace.userId}</Field>}
        {trace.sessionId && (
          <Field label="Session">
            <code>{trace.sessionId}</code> <CopyButton value={trace.sessionId} />
          </Field>
        )}
        <Field label="Environment">{trace.environment}</Field>
        {trace.release && <Field label="Release">{trace.release}</Field>}
        {trace.tags.length > 0 && (
          <Field label="Tags">
            {trace.tags.map((tag) => (
              <span key={tag} className="tag">
                {tag}
              </span>
            ))}
          </Field>
        )}
      </dl>
      <IoView label="Input" value={trace.input} />
      <IoView label="Output" value={trace.output} />
      <Metadata value={trace.metadata} />
      <Scores scores={trace.scores.filter((score) => score.observationId === null)} />
      <Comments objectType="TRACE" objectId={trace.id} />
    </article>
  );
}

export function ObservationDetail({ observation, scores }: { observation: ObservationsView; scores: ScoreV1[] }) {
  const duration = observation.endTime ? Date.parse(observation.endTime) - Date.parse(observation.startTime) : null;
  const usage = Object.entries(observation.usageDetails);
  const costs = Object.entries(observation.costDetails);
  return (
    <article className="detail" aria-label="Observation details">
      <h2>
        <span className={`type type-${observation.type}`}>
          {typeMark(observation.type)} {observation.type.toLowerCase()}
        </span>{" "}
        {observation.name ?? observation.id}
      </h2>
      {observation.level !== "DEFAULT" && (
        <p className={`level-banner ${observation.level}`}>
          {observation.level}
          {observation.statusMessage ? `: ${observation.statusMessage}` : ""}
        </p>
      )}
      <dl className="fields">
        <Field label="Observation id">
          <code>{observation.id}</code> <CopyButton value={observation.id} />
        </Field>
        <Field label="Start">{formatTime(observation.startTime)}</Field>
        <Field label="Duration">{formatDuration(duration)}</Field>
        {observation.timeToFirstToken !== null && <Field label="Time to first token">{formatDuration(observation.timeToFirstToken * 1000)}</Field>}
        {observation.model && <Field label="Model">{observation.model}</Field>}
        {observation.level === "DEFAULT" && observation.statusMessage && <Field label="Status">{observation.statusMessage}</Field>}
        {observation.promptName && (
          <Field label="Prompt">
            <Link href={`/prompts/${encodeURIComponent(observation.promptName)}${observation.promptVersion ? `?version=${observation.promptVersion}` : ""}`}>
              {observation.promptName} v{observation.promptVersion}
            </Link>
          </Field>
        )}
        {usage.length > 0 && (
          <Field label="Usage">
            {usage.map(([key, value]) => (
              <span key={key} className="pair">
                {key} {formatCount(value)}
              </span>
            ))}
          </Field>
        )}
        {(costs.length > 0 || observation.calculatedTotalCost > 0) && (
          <Field label="Cost">
            <strong>{formatCost(costOf(observation))}</strong>
            {costs
              .filter(([key]) => key !== "total")
              .map(([key, value]) => (
                <span key={key} className="pair">
                  {key} {formatCost(value)}
                </span>
              ))}
          </Field>
        )}
        {observation.modelParameters !== null && observation.modelParameters !== undefined && (
          <Field label="Parameters">
            <JsonView value={observation.modelParameters} depth={1} />
          </Field>
        )}
      </dl>
      <IoView label="Input" value={observation.input} />
      <IoView label="Output" value={observation.output} />
      <Metadata value={observation.metadata} />
      <Scores scores={scores} />
      <Comments objectType="OBSERVATION" objectId={observation.id} />
    </article>
  );
}
