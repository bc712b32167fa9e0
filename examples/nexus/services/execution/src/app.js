// The execution HTTP API: POST /execute runs a snippet, GET /health answers the deployer's probe.
import { createServer } from "node:http";
import { runSnippet, SnippetError, validateRequest } from "./runner.js";

const MAX_BODY_BYTES = 256 * 1024;

function send(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
  res.end(payload);
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new SnippetError("body", `request body must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new SnippetError("body", "request body must be JSON");
  }
}

async function handle(req, res) {
  const path = new URL(req.url, "http://localhost").pathname;
  if (req.method === "GET" && path === "/health") return send(res, 200, { status: "ok", service: "execution" });
  if (req.method === "POST" && path === "/execute") {
    try {
      return send(res, 200, await runSnippet(validateRequest(await readJson(req))));
    } catch (error) {
      if (error instanceof SnippetError) return send(res, 422, { error: error.message, field: error.field });
      throw error;
    }
  }
  return send(res, 404, { error: "not found" });
}

export function createApp() {
  return createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error(error);
      if (!res.headersSent) send(res, 500, { error: "internal error" });
    });
  });
}
