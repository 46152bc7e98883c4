import type { Prompt, PromptMetaListResponse } from "@wick/contracts";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../api/client.ts";
import type { KeyPair } from "../auth/keys.ts";
import { formatTime } from "../common/format.ts";
import { ErrorPanel, Loading } from "../common/Status.tsx";
import { Link } from "../routing/Link.tsx";
import { IoView } from "../trace/IoView.tsx";
import { JsonView } from "../trace/JsonView.tsx";

/** One prompt, read-only: its versions to pick from, and the chosen version's content, labels and config. */
export function PromptPage({ keys, name, search, onSignOut }: { keys: KeyPair; name: string; search: string; onSignOut: () => void }) {
  const requested = Number(new URLSearchParams(search).get("version"));
  const version = Number.isInteger(requested) && requested > 0 ? requested : null;
  const meta = useQuery({
    queryKey: ["prompt-meta", keys.publicKey, name],
    queryFn: ({ signal }) => apiGet<PromptMetaListResponse>(keys, "/v2/prompts", { name, limit: "1" }, signal),
  });
  const prompt = useQuery({
    queryKey: ["prompt", keys.publicKey, name, version],
    // Without a version the API answers the `production` label's; a prompt without one has none to show, so take the newest.
    queryFn: ({ signal }) => apiGet<Prompt>(keys, `/v2/prompts/${encodeURIComponent(name)}`, version !== null ? { version: String(version) } : { label: "latest" }, signal),
  });
  const versions = [...(meta.data?.data[0]?.versions ?? [])].reverse();
  const href = (v: number) => `/prompts/${encodeURIComponent(name)}?version=${v}`;
  return (
    <section className="page">
      <p>
        <Link href="/prompts">← Prompts</Link>
      </p>
      <h1>{name}</h1>
      {versions.length > 0 && (
        <nav className="versions" aria-label="Versions">
          {versions.map((v) => (
            <Link key={v} href={href(v)} className={prompt.data?.version === v ? "current" : undefined}>
              v{v}
            </Link>
          ))}
        </nav>
      )}
      {prompt.isPending ? (
        <Loading what="the prompt" />
      ) : prompt.isError ? (
        <ErrorPanel error={prompt.error} onSignOut={onSignOut} onRetry={() => prompt.refetch()} />
      ) : (
        <article className="detail" aria-label="Prompt version">
          <p>
            Version {prompt.data.version} · {prompt.data.type} · {formatTime(prompt.data.createdAt)}
            {prompt.data.commitMessage && <span className="muted"> · {prompt.data.commitMessage}</span>}
          </p>
          <p>
            {prompt.data.labels.map((label) => (
              <span key={label} className="tag">
                {label}
              </span>
            ))}
          </p>
          <IoView label="Prompt" value={prompt.data.prompt} />
          {prompt.data.config !== null && typeof prompt.data.config === "object" && Object.keys(prompt.data.config).length > 0 && (
            <section>
              <h3>Config</h3>
              <div className="json">
                <JsonView value={prompt.data.config} />
              </div>
            </section>
          )}
        </article>
      )}
    </section>
  );
}
