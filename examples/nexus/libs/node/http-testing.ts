// Test helpers shared by the Node services: real HTTP servers on OS-chosen ports standing in for neighbours.
import { once } from "node:events";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function answer(status: number, body: unknown): RequestListener {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
}

/** A URL where nothing listens: the port was just free, so a connection is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

export const closeAll = (servers: Server[]) =>
  Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
