import { useSyncExternalStore } from "react";

/** The app's routes, read from the path; anything unknown shows the trace list. */
export type Route =
  | { page: "traces" }
  | { page: "trace"; traceId: string }
  | { page: "sessions" }
  | { page: "session"; sessionId: string }
  | { page: "prompts" }
  | { page: "prompt"; name: string }
  | { page: "dashboard" };

export function parseRoute(pathname: string): Route {
  const trace = /^\/traces\/([^/]+)\/?$/.exec(pathname);
  if (trace) return { page: "trace", traceId: decodeURIComponent(trace[1]!) };
  const session = /^\/sessions\/([^/]+)\/?$/.exec(pathname);
  if (session) return { page: "session", sessionId: decodeURIComponent(session[1]!) };
  if (/^\/sessions\/?$/.test(pathname)) return { page: "sessions" };
  const prompt = /^\/prompts\/([^/]+)\/?$/.exec(pathname);
  if (prompt) return { page: "prompt", name: decodeURIComponent(prompt[1]!) };
  if (/^\/prompts\/?$/.test(pathname)) return { page: "prompts" };
  if (/^\/dashboard\/?$/.test(pathname)) return { page: "dashboard" };
  return { page: "traces" };
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path and query string; re-renders on navigation, back and forward. */
export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.search };
}

/** `replace` keeps filter edits from filling the back button's history. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", href);
  else window.history.pushState(null, "", href);
  for (const listener of listeners) listener();
}
