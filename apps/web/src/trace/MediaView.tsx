import type { GetMediaResponse } from "@wick/contracts";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../api/client.ts";
import { useKeys } from "../auth/keys-context.ts";

/**
 * A media reference shown as what it points to: an image, an audio player, or a download link,
 * from `GET /api/public/media/{id}`'s signed URL. Until that answers, or when it cannot (a file
 * never uploaded, a deleted one), the reference stays a labelled placeholder.
 */
export function MediaView({ id, type, raw }: { id: string; type: string; raw: string }) {
  const keys = useKeys();
  const media = useQuery({
    queryKey: ["media", keys.publicKey, id],
    queryFn: ({ signal }) => apiGet<GetMediaResponse>(keys, `/media/${encodeURIComponent(id)}`, {}, signal),
    // The signed URL expires; refetched after a while rather than on every view.
    staleTime: 5 * 60_000,
  });
  const placeholder = (
    <span className="media-ref" title={raw}>
      [{type} · media {id}
      {media.isError ? ": not available" : ""}]
    </span>
  );
  if (!media.data?.url) return placeholder;
  const { url, contentType } = media.data;
  if (contentType.startsWith("image/")) return <img className="media" src={url} alt={`${contentType} media ${id}`} loading="lazy" />;
  // Traced recordings come without caption tracks: there is nothing to offer in one.
  // biome-ignore lint/a11y/useMediaCaption: see above
  if (contentType.startsWith("audio/")) return <audio className="media" controls src={url} aria-label={`${contentType} media ${id}`} />;
  // biome-ignore lint/a11y/useMediaCaption: as for audio
  if (contentType.startsWith("video/")) return <video className="media" controls src={url} aria-label={`${contentType} media ${id}`} />;
  return (
    <a className="media-ref" href={url} target="_blank" rel="noreferrer" title={raw}>
      {contentType} file ({media.data.contentLength.toLocaleString()} bytes)
    </a>
  );
}
