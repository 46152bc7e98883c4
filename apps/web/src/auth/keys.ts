/** The key pair the user signed in with, kept for this browser tab's session only. */

export interface KeyPair {
  publicKey: string;
  secretKey: string;
}

export interface SignedIn extends KeyPair {
  /** The key's project as `GET /api/public/projects` named it at sign-in. */
  projectName: string | null;
}

const STORAGE_KEY = "wick.keys";

export function loadKeys(): SignedIn | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null") as Partial<SignedIn> | null;
    if (!stored || typeof stored.publicKey !== "string" || typeof stored.secretKey !== "string") return null;
    return { publicKey: stored.publicKey, secretKey: stored.secretKey, projectName: typeof stored.projectName === "string" ? stored.projectName : null };
  } catch {
    return null;
  }
}

export function saveKeys(keys: SignedIn): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(keys));
}

export function clearKeys(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
