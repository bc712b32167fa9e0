// The back end for the front end: one API over the BMAD planner and the execution service.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Config } from "./config.js";
import { callJson, UpstreamError } from "./upstream.js";

const MAX_BODY_BYTES = 128 * 1024;

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`request body must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BadRequest("request body must be JSON");
  }
}

async function probe(service: string, url: string, timeoutMs: number): Promise<"ok" | "down"> {
  try {
    const reply = await callJson(service, `${url}/health`, timeoutMs);
    return reply.status === 200 ? "ok" : "down";
  } catch {
    return "down";
  }
}

type Route = (req: IncomingMessage, config: Config) => Promise<{ status: number; body: unknown }>;

const routes: Record<string, Route> = {
  "GET /health": async () => ({ status: 200, body: { status: "ok", service: "orchestration" } }),
  "GET /api/status": async (_req, config) => {
    const [bmad, execution] = await Promise.all([
      probe("bmad", config.bmadUrl, config.upstreamTimeoutMs),
      probe("execution", config.executionUrl, config.upstreamTimeoutMs),
    ]);
    return { status: bmad === "ok" && execution === "ok" ? 200 : 503, body: { bmad, execution } };
  },
  "POST /api/plan": async (req, config) =>
    callJson("bmad", `${config.bmadUrl}/plan`, config.upstreamTimeoutMs, { method: "POST", body: await readJson(req) }),
  "POST /api/run": async (req, config) =>
    callJson("execution", `${config.executionUrl}/execute`, config.upstreamTimeoutMs, {
      method: "POST",
      body: await readJson(req),
    }),
};

export function createApp(config: Config): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = routes[`${req.method} ${path}`];
    if (!route) return send(res, 404, { error: "not found" });
    route(req, config).then(
      (reply) => send(res, reply.status, reply.body),
      (error: unknown) => {
        if (error instanceof BadRequest) return send(res, 400, { error: error.message });
        if (error instanceof UpstreamError) return send(res, 502, { error: error.message, service: error.service });
        console.error(error);
        send(res, 500, { error: "internal error" });
      },
    );
  });
}
