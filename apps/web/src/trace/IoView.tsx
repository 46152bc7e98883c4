import { type ChatMessage, chatMessages, partsText } from "./chat.ts";
import { JsonView, TextValue } from "./JsonView.tsx";

/** An input or output: a conversation when it is chat messages, otherwise text or a JSON tree. */
export function IoView({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  const messages = chatMessages(value);
  return (
    <section className="io" aria-label={label}>
      <h3>{label}</h3>
      {messages ? (
        <ol className="chat">
          {messages.map((message, index) => (
            // Messages have no ids; their order is the conversation.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <Message key={index} message={message} />
          ))}
        </ol>
      ) : typeof value === "string" ? (
        <div className="text-block">
          <TextValue text={value} />
        </div>
      ) : (
        <div className="json">
          <JsonView value={value} />
        </div>
      )}
    </section>
  );
}

function Message({ message }: { message: ChatMessage }) {
  const text = partsText(message.content);
  return (
    <li className={`message role-${message.role.replace(/[^a-z]/gi, "")}`}>
      <div className="role">{message.role}</div>
      <div className="content">{text !== null ? <TextValue text={text} /> : message.content !== null && <JsonView value={message.content} />}</div>
      {Object.keys(message.extra).length > 0 && (
        <div className="json extra">
          <JsonView value={message.extra} depth={1} />
        </div>
      )}
    </li>
  );
}
