import type { PaginatedSessions } from "@wick/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiGet } from "../api/client.ts";
import type { KeyPair } from "../auth/keys.ts";
import { formatTime } from "../common/format.ts";
import { Pager, pageFromSearch } from "../common/Pager.tsx";
import { ErrorPanel, Loading } from "../common/Status.tsx";
import { Link } from "../routing/Link.tsx";
import { navigate } from "../routing/location.ts";

const LIMIT = 50;

export function SessionsPage({ keys, search, onSignOut }: { keys: KeyPair; search: string; onSignOut: () => void }) {
  const page = pageFromSearch(search);
  const sessions = useQuery({
    queryKey: ["sessions", keys.publicKey, page],
    queryFn: ({ signal }) => apiGet<PaginatedSessions>(keys, "/sessions", { page: String(page), limit: String(LIMIT) }, signal),
    placeholderData: keepPreviousData,
  });
  const goTo = (next: number) => navigate(next === 1 ? "/sessions" : `/sessions?page=${next}`, { replace: true });
  return (
    <section className="page">
      <h1>Sessions</h1>
      {sessions.isPending ? (
        <Loading what="sessions" />
      ) : sessions.isError ? (
        <ErrorPanel error={sessions.error} onSignOut={onSignOut} onRetry={() => sessions.refetch()} />
      ) : (
        <>
          <table className="sessions" aria-busy={sessions.isFetching}>
            <thead>
              <tr>
                <th>Session</th>
                <th>Created</th>
                <th>Environment</th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.data.map((session) => (
                <tr key={session.id}>
                  <td>
                    <Link href={`/sessions/${encodeURIComponent(session.id)}`}>{session.id}</Link>
                  </td>
                  <td className="nowrap">{formatTime(session.createdAt)}</td>
                  <td>{session.environment}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {sessions.data.data.length === 0 && <p className="empty">No sessions yet: traces with a sessionId make them.</p>}
          <Pager page={page} totalPages={sessions.data.meta.totalPages} totalItems={sessions.data.meta.totalItems} noun="sessions" onPage={goTo} />
        </>
      )}
    </section>
  );
}
