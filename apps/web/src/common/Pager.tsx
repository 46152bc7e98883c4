import type { ReactNode } from "react";

/** The page a list's URL asks for: a positive whole number, or the first page. */
export function pageFromSearch(search: string): number {
  const requested = Number(new URLSearchParams(search).get("page"));
  return Number.isInteger(requested) && requested > 0 ? requested : 1;
}

/** Previous and next for a paged list, with where it stands; `children` go after (a page size, say). */
export function Pager({
  page,
  totalPages,
  totalItems,
  noun,
  onPage,
  children,
}: {
  page: number;
  totalPages: number;
  totalItems: number;
  noun: string;
  onPage: (page: number) => void;
  children?: ReactNode;
}) {
  return (
    <div className="pager">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span>
        Page {page} of {Math.max(1, totalPages)} · {totalItems} {noun}
      </span>
      <button type="button" disabled={page >= totalPages} onClick={() => onPage(page + 1)}>
        Next
      </button>
      {children}
    </div>
  );
}
