import { connect, type Socket } from "node:net";

/** A plain TCP connection to the server on loopback, for clients that speak HTTP byte by byte. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}
