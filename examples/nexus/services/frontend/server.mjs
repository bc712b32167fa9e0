// Serves the built front end (dist/) and forwards /api to orchestration, so the page is deployable as one process.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".ico": "image/x-icon",
};

function send(res, status, body, type = "application/json") {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

async function forward(req, res, orchestrationUrl) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  let upstream;
  try {
    upstream = await fetch(new URL(req.url, orchestrationUrl), {
      method: req.method,
      headers: { "content-type": req.headers["content-type"] ?? "application/json" },
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
  } catch {
    return send(res, 502, JSON.stringify({ error: "orchestration is unreachable" }));
  }
  send(res, upstream.status, Buffer.from(await upstream.arrayBuffer()), upstream.headers.get("content-type") ?? "application/json");
}

async function serveFile(res, root, pathname) {
  const candidate = normalize(join(root, decodeURIComponent(pathname)));
  if (candidate !== root && !candidate.startsWith(root + sep)) return send(res, 404, "not found", "text/plain");
  // Paths without an extension are client-side routes: they all get the app's page.
  const file = extname(candidate) ? candidate : join(root, "index.html");
  try {
    send(res, 200, await readFile(file), TYPES[extname(file)] ?? "application/octet-stream");
  } catch {
    send(res, 404, "not found", "text/plain");
  }
}

export function createFrontendServer({ root, orchestrationUrl }) {
  const absoluteRoot = resolve(root);
  return createServer((req, res) => {
    const { pathname } = new URL(req.url, "http://localhost");
    const reply =
      pathname === "/health"
        ? Promise.resolve(send(res, 200, JSON.stringify({ status: "ok", service: "frontend" })))
        : pathname.startsWith("/api/")
          ? forward(req, res, orchestrationUrl)
          : serveFile(res, absoluteRoot, pathname);
    reply.catch((error) => {
      console.error(error);
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: "internal error" }));
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const server = createFrontendServer({
    root: process.env.STATIC_ROOT ?? fileURLToPath(new URL("./dist", import.meta.url)),
    orchestrationUrl: process.env.ORCHESTRATION_URL ?? "http://127.0.0.1:8000",
  });
  const host = process.env.HOST ?? "127.0.0.1";
  server.listen(Number(process.env.PORT ?? 4173), host, () => {
    console.log(`listening on http://${host}:${server.address().port}`);
  });
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
