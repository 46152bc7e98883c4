import { ApiError } from "../api/client.ts";

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" aria-busy="true">
      Loading {what}…
    </p>
  );
}

/** A failed read, said plainly: a refused key offers to sign in again, anything else shows what the server said. */
export function ErrorPanel({ error, onSignOut, onRetry }: { error: unknown; onSignOut?: () => void; onRetry?: () => void }) {
  const apiError = error instanceof ApiError ? error : null;
  if (apiError?.wrongKey) {
    return (
      <div className="error-panel" role="alert">
        <strong>Wrong key</strong>
        <p>Wick refused this key pair ({apiError.message}). It may have been deleted or its project removed.</p>
        {onSignOut && (
          <button type="button" onClick={onSignOut}>
            Sign in again
          </button>
        )}
      </div>
    );
  }
  const title = apiError && apiError.status >= 500 ? `Wick answered ${apiError.status}` : apiError?.status === 404 ? "Not found" : "Something went wrong";
  return (
    <div className="error-panel" role="alert">
      <strong>{title}</strong>
      <p>{error instanceof Error ? error.message : String(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
