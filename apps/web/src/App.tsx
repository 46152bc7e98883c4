import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { clearKeys, type KeyPair, loadKeys, saveKeys } from "./auth/keys.ts";
import { SignIn } from "./auth/SignIn.tsx";
import { Loading } from "./common/Status.tsx";
import { Link } from "./routing/Link.tsx";
import { parseRoute, useLocation } from "./routing/location.ts";
import { TracesPage } from "./traces/TracesPage.tsx";

// The trace view is the heavier page: it loads when first opened, not with the list.
const TracePage = lazy(() => import("./trace/TracePage.tsx").then((module) => ({ default: module.TracePage })));
// The dashboard brings the chart library, the largest dependency: loaded only when opened.
const DashboardPage = lazy(() => import("./dashboard/DashboardPage.tsx").then((module) => ({ default: module.DashboardPage })));

export function App() {
  const [keys, setKeys] = useState<KeyPair | null>(loadKeys);
  const [projectName, setProjectName] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const location = useLocation();

  const signOut = () => {
    clearKeys();
    queryClient.clear();
    setProjectName(null);
    setKeys(null);
  };

  if (!keys) {
    return (
      <SignIn
        onSignedIn={(signedIn, name) => {
          saveKeys(signedIn);
          setProjectName(name);
          setKeys(signedIn);
        }}
      />
    );
  }

  const route = parseRoute(location.pathname);
  return (
    <div className="app">
      <header className="topbar">
        <Link className="brand" href="/">
          Wick
        </Link>
        <nav>
          <Link href="/traces">Traces</Link>
          <Link href="/dashboard">Dashboard</Link>
        </nav>
        <span className="spacer" />
        <span className="muted" title={keys.publicKey}>
          {projectName ?? keys.publicKey}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        {route.page === "trace" ? (
          <Suspense fallback={<Loading what="the trace view" />}>
            <TracePage keys={keys} traceId={route.traceId} onSignOut={signOut} />
          </Suspense>
        ) : route.page === "dashboard" ? (
          <Suspense fallback={<Loading what="the dashboard" />}>
            <DashboardPage keys={keys} search={location.search} onSignOut={signOut} />
          </Suspense>
        ) : (
          <TracesPage keys={keys} search={location.search} onSignOut={signOut} />
        )}
      </main>
    </div>
  );
}
