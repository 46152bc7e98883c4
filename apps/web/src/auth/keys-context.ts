import { createContext, useContext } from "react";
import type { KeyPair } from "./keys.ts";

/** The signed-in key pair, for components deep in a page (a media reference inside a JSON tree). */
export const KeysContext = createContext<KeyPair | null>(null);

export function useKeys(): KeyPair {
  const keys = useContext(KeysContext);
  if (!keys) throw new Error("useKeys needs a signed-in KeysContext above it");
  return keys;
}
