import type { DatasetItemMediaReference } from "@wick/contracts";
import type { MediaRow } from "@wick/postgres";
import { MEDIA_FIELDS, type MediaField } from "./media-references.ts";
import type { VersionMedia } from "./repository.ts";

/** What a response shows of referenced media, with a signed download URL. */
export type SignedMedia = DatasetItemMediaReference["media"];

/**
 * Signs download URLs for the client being answered (the local store's URLs lead back to the host
 * it reached); media that cannot be downloaded yet, or whose upload failed, is left out.
 */
export type SignMedia = (media: MediaRow[]) => Promise<Map<string, SignedMedia>>;

/** A reference an item version holds, with the media it names. */
export type ItemMediaReference = Omit<VersionMedia, "datasetItemId" | "validFrom">;

/** The key of one item version. */
export function versionKey(id: string, validFrom: Date): string {
  return `${validFrom.getTime()}\u0000${id}`;
}

const fieldRank = new Map<string, number>(MEDIA_FIELDS.map((field, index) => [field, index]));

/**
 * The references a response lists: those whose media can be downloaded, by field, then path and
 * reference string, so every read of a version lists them alike.
 */
export function responseReferences(references: ItemMediaReference[], signed: Map<string, SignedMedia>): DatasetItemMediaReference[] {
  const shown: DatasetItemMediaReference[] = [];
  for (const reference of references) {
    const media = signed.get(reference.media.id);
    if (!media) continue;
    const { mediaId, contentType, contentLength, url, urlExpiry } = media;
    shown.push({
      field: reference.field as MediaField,
      jsonPath: reference.jsonPath,
      referenceString: reference.referenceString,
      media: { mediaId, contentType, contentLength, url, urlExpiry },
    });
  }
  return shown.sort((a, b) => fieldRank.get(a.field)! - fieldRank.get(b.field)! || compare(a.jsonPath, b.jsonPath) || compare(a.referenceString, b.referenceString));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
