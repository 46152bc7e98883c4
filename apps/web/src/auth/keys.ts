/** The key pair the user signed in with, kept for this browser tab's session only. */

export interface KeyPair {
  publicKey: string;
  secretKey: string;
}

const STORAGE_KEY = "wick.keys";

export function loadKeys(): KeyPair | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null") as Partial<KeyPair> | null;
    return stored && typeof stored.publicKey === "string" && typeof stored.secretKey === "string" ? { publicKey: stored.publicKey, secretKey: stored.secretKey } : null;
  } catch {
    return null;
  }
}

export function saveKeys(keys: KeyPair): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(keys));
}

export function clearKeys(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
