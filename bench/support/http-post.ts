import { Agent, request } from "node:http";

// One kept-alive connection per concurrent client, so the load generator spends its share of the
// machine's cores on the requests rather than on connection set-up; node:http costs less than fetch.
const agent = new Agent({ keepAlive: true });

/** POSTs a ready-made body and resolves with the status and the response text. */
export function post(url: string, headers: Record<string, string>, body: string | Uint8Array): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: "POST", headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
