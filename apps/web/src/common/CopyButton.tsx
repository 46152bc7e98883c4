import { useState } from "react";

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1200);
    } catch {
      // Clipboard access is refused on plain http other than localhost: the id stays selectable.
      setCopied(false);
    }
  };
  return (
    <button type="button" className="copy" onClick={copy} title={`Copy ${value}`} aria-label={`${label} ${value}`}>
      {copied ? "Copied" : label}
    </button>
  );
}
