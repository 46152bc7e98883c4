import type { CommentObjectType, GetCommentsResponse } from "@wick/contracts";
import { useQuery } from "@tanstack/react-query";
import { apiGet } from "../api/client.ts";
import { useKeys } from "../auth/keys-context.ts";
import { formatTime } from "../common/format.ts";

/** The comments on a trace or an observation, oldest first; nothing when there are none. */
export function Comments({ objectType, objectId }: { objectType: CommentObjectType; objectId: string }) {
  const keys = useKeys();
  const comments = useQuery({
    queryKey: ["comments", keys.publicKey, objectType, objectId],
    queryFn: ({ signal }) => apiGet<GetCommentsResponse>(keys, "/comments", { objectType, objectId, limit: "100" }, signal),
  });
  if (comments.isError) return <p className="muted">Comments could not be read: {comments.error.message}</p>;
  const list = [...(comments.data?.data ?? [])].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  if (list.length === 0) return null;
  return (
    <section aria-label="Comments">
      <h3>Comments</h3>
      <ul className="comments">
        {list.map((comment) => (
          <li key={comment.id}>
            <span className="muted">
              {formatTime(comment.createdAt)}
              {comment.authorUserId ? ` · ${comment.authorUserId}` : ""}
            </span>
            <p>{comment.content}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
