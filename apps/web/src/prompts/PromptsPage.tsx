import type { PromptMetaListResponse } from "@wick/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiGet } from "../api/client.ts";
import type { KeyPair } from "../auth/keys.ts";
import { formatTime } from "../common/format.ts";
import { Pager, pageFromSearch } from "../common/Pager.tsx";
import { ErrorPanel, Loading } from "../common/Status.tsx";
import { Link } from "../routing/Link.tsx";
import { navigate } from "../routing/location.ts";

const LIMIT = 50;

export function PromptsPage({ keys, search, onSignOut }: { keys: KeyPair; search: string; onSignOut: () => void }) {
  const page = pageFromSearch(search);
  const prompts = useQuery({
    queryKey: ["prompts", keys.publicKey, page],
    queryFn: ({ signal }) => apiGet<PromptMetaListResponse>(keys, "/v2/prompts", { page: String(page), limit: String(LIMIT) }, signal),
    placeholderData: keepPreviousData,
  });
  const goTo = (next: number) => navigate(next === 1 ? "/prompts" : `/prompts?page=${next}`, { replace: true });
  return (
    <section className="page">
      <h1>Prompts</h1>
      {prompts.isPending ? (
        <Loading what="prompts" />
      ) : prompts.isError ? (
        <ErrorPanel error={prompts.error} onSignOut={onSignOut} onRetry={() => prompts.refetch()} />
      ) : (
        <>
          <table aria-busy={prompts.isFetching}>
            <thead>
              <tr>
                <th>Name</th>
                <th>Type</th>
                <th>Versions</th>
                <th>Labels</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {prompts.data.data.map((prompt) => (
                <tr key={prompt.name}>
                  <td>
                    <Link href={`/prompts/${encodeURIComponent(prompt.name)}`}>{prompt.name}</Link>
                  </td>
                  <td>{prompt.type}</td>
                  <td>{prompt.versions.length}</td>
                  <td>
                    {prompt.labels.map((label) => (
                      <span key={label} className="tag">
                        {label}
                      </span>
                    ))}
                  </td>
                  <td className="nowrap">{formatTime(prompt.lastUpdatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {prompts.data.data.length === 0 && <p className="empty">No prompts yet.</p>}
          <Pager page={page} totalPages={prompts.data.meta.totalPages} totalItems={prompts.data.meta.totalItems} noun="prompts" onPage={goTo} />
        </>
      )}
    </section>
  );
}
