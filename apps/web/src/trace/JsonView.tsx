import { useState } from "react";
import { splitMediaReferences } from "./media.ts";
import { MediaView } from "./MediaView.tsx";

const FOLD_AT = 600;

/** A string as typed, folded past a screenful, with media references shown as the media they point to. */
export function TextValue({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > FOLD_AT;
  const shown = long && !open ? `${text.slice(0, FOLD_AT)}…` : text;
  return (
    <span className="text-value">
      {splitMediaReferences(shown).map((segment, index) =>
        segment.kind === "text" ? (
          // Segments are positional slices of one string: their index is their identity.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <span key={index}>{segment.text}</span>
        ) : (
          <MediaView key={segment.raw} id={segment.id} type={segment.type} raw={segment.raw} />
        ),
      )}
      {long && (
        <button type="button" className="link" onClick={() => setOpen(!open)}>
          {open ? "show less" : `show all ${text.length.toLocaleString()} characters`}
        </button>
      )}
    </span>
  );
}

/** JSON as a tree whose objects and arrays open and close; deep levels start closed. */
export function JsonView({ value, depth = 0 }: { value: unknown; depth?: number }) {
  if (value === null || value === undefined) return <span className="json-null">null</span>;
  if (typeof value === "string") return <TextValue text={value} />;
  if (typeof value === "number" || typeof value === "boolean") return <span className="json-scalar">{String(value)}</span>;
  if (typeof value !== "object") return <span>{String(value)}</span>;
  return <JsonBranch value={value as Record<string, unknown>} depth={depth} />;
}

function JsonBranch({ value, depth }: { value: Record<string, unknown> | unknown[]; depth: number }) {
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  const [open, setOpen] = useState(depth < 2);
  const brackets = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return <span className="json-scalar">{brackets.join("")}</span>;
  return (
    <span className="json-branch">
      <button type="button" className="toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} {brackets[0]}
        {!open && ` ${entries.length} ${Array.isArray(value) ? "items" : "keys"} ${brackets[1]}`}
      </button>
      {open && (
        <>
          <ul>
            {entries.map(([key, item]) => (
              <li key={key}>
                <span className="json-key">{key}:</span> <JsonView value={item} depth={depth + 1} />
              </li>
            ))}
          </ul>
          {brackets[1]}
        </>
      )}
    </span>
  );
}
