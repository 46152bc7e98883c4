/** Where a page of a listing starts: just after the item with this sort key. */
export interface ListingKey {
  validFrom: Date;
  id: string;
}

/** What is known about one listing (its filters) at one write generation of its project. */
export class Listing {
  total: number | undefined;
  private readonly starts = new Map<number, ListingKey>();

  /** The known start closest before `offset` (or at it); offset 0 needs none. */
  startAtOrBefore(offset: number): { offset: number; after?: ListingKey } {
    let best: { offset: number; after?: ListingKey } = { offset: 0 };
    for (const [known, after] of this.starts) {
      if (known <= offset && known > best.offset) best = { offset: known, after };
    }
    return best;
  }

  remember(offset: number, after: ListingKey): void {
    this.starts.set(offset, after);
  }
}

const MAX_LISTINGS = 1_000;

/**
 * What list reads learned, so an SDK paging through a large dataset gets each page by key and
 * the count once, instead of counting and skipping everything before the page every time.
 * Entries are keyed by the project's item write generation: any item write in the project moves
 * it on, and nothing learned before applies afterwards. Bounded, least recently used out.
 */
export class ListingCache {
  private readonly listings = new Map<string, Listing>();

  get(projectId: string, generation: number, filters: string): Listing {
    const key = `${projectId}\u0000${generation}\u0000${filters}`;
    let listing = this.listings.get(key);
    if (listing) this.listings.delete(key);
    else listing = new Listing();
    this.listings.set(key, listing);
    if (this.listings.size > MAX_LISTINGS) this.listings.delete(this.listings.keys().next().value!);
    return listing;
  }
}
