import type { SessionWithTraces } from "@wick/contracts";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../api/client.ts";
import type { KeyPair } from "../auth/keys.ts";
import { CopyButton } from "../common/CopyButton.tsx";
import { formatTime } from "../common/format.ts";
import { ErrorPanel, Loading } from "../common/Status.tsx";
import { Link } from "../routing/Link.tsx";
import { IoView } from "../trace/IoView.tsx";

/** A session's traces oldest first, each with its input and output: the conversation they form. */
export function SessionPage({ keys, sessionId, onSignOut }: { keys: KeyPair; sessionId: string; onSignOut: () => void }) {
  const session = useQuery({
    queryKey: ["session", keys.publicKey, sessionId],
    queryFn: ({ signal }) => apiGet<SessionWithTraces>(keys, `/sessions/${encodeURIComponent(sessionId)}`, {}, signal),
  });
  const traces = session.data ? [...session.data.traces].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp)) : [];
  return (
    <section className="page">
      <p>
        <Link href="/sessions">← Sessions</Link>
      </p>
      <h1>
        Session <code>{sessionId}</code> <CopyButton value={sessionId} />
      </h1>
      {session.isPending ? (
        <Loading what="the session" />
      ) : session.isError ? (
        <ErrorPanel error={session.error} onSignOut={onSignOut} onRetry={() => session.refetch()} />
      ) : (
        <>
          <p className="muted">
            {traces.length} traces · <Link href={`/traces?sessionId=${encodeURIComponent(sessionId)}`}>as a trace list</Link>
          </p>
          <ol className="session-turns">
            {traces.map((trace) => (
              <li key={trace.id} className="turn">
                <header>
                  <Link href={`/traces/${encodeURIComponent(trace.id)}`}>{trace.name ?? trace.id}</Link> <span className="muted">{formatTime(trace.timestamp)}</span>
                  {trace.userId && <span className="muted"> · {trace.userId}</span>}
                </header>
                <div className="turn-io">
                  <IoView label="Input" value={trace.input} />
                  <IoView label="Output" value={trace.output} />
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
