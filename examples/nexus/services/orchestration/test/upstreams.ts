// Stand-ins for bmad and execution that record what orchestration sent them.
import { createServer, type RequestListener, type Server } from "node:http";
import { listen } from "../../../libs/node/http-testing.js";

export { answer as json, closeAll, closedPortUrl, listen } from "../../../libs/node/http-testing.js";

export interface Upstream {
  url: string;
  requests: { method: string; path: string; body: string }[];
  server: Server;
}

export async function startUpstream(respond: RequestListener): Promise<Upstream> {
  const requests: Upstream["requests"] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    requests.push({ method: req.method ?? "", path: req.url ?? "", body });
    respond(req, res);
  });
  return { url: await listen(server), requests, server };
}
