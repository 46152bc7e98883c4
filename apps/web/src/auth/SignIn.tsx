import type { Projects } from "@wick/contracts";
import { type FormEvent, useState } from "react";
import { ApiError, apiGet } from "../api/client.ts";
import { ErrorPanel } from "../common/Status.tsx";
import type { SignedIn } from "./keys.ts";

/** Checks the pair against `GET /api/public/projects` before keeping it, so a typo is caught here and not on every page. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: SignedIn) => void }) {
  const [publicKey, setPublicKey] = useState("");
  const [secretKey, setSecretKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const keys = { publicKey: publicKey.trim(), secretKey: secretKey.trim() };
    setBusy(true);
    setError(null);
    try {
      const projects = await apiGet<Projects>(keys, "/projects");
      onSignedIn({ ...keys, projectName: projects.data[0]?.name ?? null });
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  };

  const wrongKey = error instanceof ApiError && error.wrongKey;
  return (
    <main className="sign-in">
      <form onSubmit={submit}>
        <h1>Wick</h1>
        <p className="muted">Sign in with a project's API key pair. It is kept in this browser tab only.</p>
        <label>
          Public key
          <input name="publicKey" autoComplete="username" placeholder="pk-lf-…" value={publicKey} onChange={(event) => setPublicKey(event.target.value)} required />
        </label>
        <label>
          Secret key
          <input
            name="secretKey"
            type="password"
            autoComplete="current-password"
            placeholder="sk-lf-…"
            value={secretKey}
            onChange={(event) => setSecretKey(event.target.value)}
            required
          />
        </label>
        {wrongKey ? (
          <p className="error-text" role="alert">
            Wrong key: Wick does not know this public and secret key pair.
          </p>
        ) : (
          error !== null && <ErrorPanel error={error} />
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
