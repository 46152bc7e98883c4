import type { KeyPair } from "../auth/keys.ts";

/** A non-2xx answer from the API, or no answer at all (`status` 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  get wrongKey(): boolean {
    return this.status === 401;
  }
}

function authorization(keys: KeyPair): string {
  const raw = new TextEncoder().encode(`${keys.publicKey}:${keys.secretKey}`);
  return `Basic ${btoa(String.fromCharCode(...raw))}`;
}

/** GETs a public API path as the signed-in project; the error's message is the API's own when it sent one. */
export async function apiGet<T>(keys: KeyPair, path: string, query: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
  const search = new URLSearchParams(query).toString();
  let response: Response;
  try {
    response = await fetch(`/api/public${path}${search ? `?${search}` : ""}`, { headers: { authorization: authorization(keys), accept: "application/json" }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, "Wick did not answer: is it running?");
  }
  if (response.ok) return (await response.json()) as T;
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === "string") message = body.message;
  } catch {
    // Not JSON (a proxy's page): the status line says enough.
  }
  throw new ApiError(response.status, message);
}
