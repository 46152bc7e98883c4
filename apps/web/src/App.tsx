import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { clearKeys, loadKeys, type SignedIn, saveKeys } from "./auth/keys.ts";
import { KeysContext } from "./auth/keys-context.ts";
import { SignIn } from "./auth/SignIn.tsx";
import { Loading } from "./common/Status.tsx";
import { Link } from "./routing/Link.tsx";
import { parseRoute, useLocation } from "./routing/location.ts";
import { TracesPage } from "./traces/TracesPage.tsx";

// Pages other than the list load when first opened, so the first page stays small.
const TracePage = lazy(() => import("./trace/TracePage.tsx").then((module) => ({ default: module.TracePage })));
const SessionsPage = lazy(() => import("./sessions/SessionsPage.tsx").then((module) => ({ default: module.SessionsPage })));
const SessionPage = lazy(() => import("./sessions/SessionPage.tsx").then((module) => ({ default: module.SessionPage })));
const PromptsPage = lazy(() => import("./prompts/PromptsPage.tsx").then((module) => ({ default: module.PromptsPage })));
const PromptPage = lazy(() => import("./prompts/PromptPage.tsx").then((module) => ({ default: module.PromptPage })));
const DashboardPage = lazy(() => import("./dashboard/DashboardPage.tsx").then((module) => ({ default: module.DashboardPage })));

export function App() {
  const [keys, setKeys] = useState<SignedIn | null>(loadKeys);
  const queryClient = useQueryClient();
  const location = useLocation();

  const signOut = () => {
    clearKeys();
    queryClient.clear();
    setKeys(null);
  };

  if (!keys) {
    return (
      <SignIn
        onSignedIn={(signedIn) => {
          saveKeys(signedIn);
          setKeys(signedIn);
        }}
      />
    );
  }

  const route = parseRoute(location.pathname);
  return (
    <KeysContext.Provider value={keys}>
      <div className="app">
        <header className="topbar">
          <Link className="brand" href="/">
            Wick
          </Link>
          <nav>
            <Link href="/traces">Traces</Link>
            <Link href="/sessions">Sessions</Link>
            <Link href="/prompts">Prompts</Link>
            <Link href="/dashboard">Dashboard</Link>
          </nav>
          <span className="spacer" />
          <span className="muted" title={keys.publicKey}>
            {keys.projectName ?? keys.publicKey}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </header>
        <main>
          <Suspense fallback={<Loading what="the page" />}>
            {route.page === "trace" ? (
              <TracePage keys={keys} traceId={route.traceId} onSignOut={signOut} />
            ) : route.page === "sessions" ? (
              <SessionsPage keys={keys} search={location.search} onSignOut={signOut} />
            ) : route.page === "session" ? (
              <SessionPage keys={keys} sessionId={route.sessionId} onSignOut={signOut} />
            ) : route.page === "prompts" ? (
              <PromptsPage keys={keys} search={location.search} onSignOut={signOut} />
            ) : route.page === "prompt" ? (
              <PromptPage keys={keys} name={route.name} search={location.search} onSignOut={signOut} />
            ) : route.page === "dashboard" ? (
              <DashboardPage keys={keys} search={location.search} onSignOut={signOut} />
            ) : (
              <TracesPage keys={keys} search={location.search} onSignOut={signOut} />
            )}
          </Suspense>
        </main>
      </div>
    </KeysContext.Provider>
  );
}
