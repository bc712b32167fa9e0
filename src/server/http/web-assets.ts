import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MiddlewareHandler } from 'hono';

/** Where `vite build` writes the UI (dist/web), seen from dist/src/server/http. */
const DEFAULT_ROOT = fileURLToPath(new URL('../../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2', '.map': 'application/json',
};

/** The UI only talks to this origin; nothing from a job can run script or frame the page. */
const SECURITY = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const OTHER_SURFACES = /^\/(api|git|webhooks)(\/|$)/;

/**
 * Serves the built web UI at `/`: hashed files under /assets are cached for a year, everything else
 * revalidates; any other path gets index.html so deep links (/runs/12) work (SPA fallback).
 */
export function webAssets(root = DEFAULT_ROOT): MiddlewareHandler {
  const files = new Map<string, { body: Buffer; type: string; etag: string }>();
  const load = (rel: string) => {
    const full = normalize(join(root, rel));
    if (!full.startsWith(normalize(root + sep)) && full !== normalize(root)) return undefined;
    let f = files.get(full);
    if (!f) {
      if (!existsSync(full) || !statSync(full).isFile()) return undefined;
      const body = readFileSync(full);
      const st = statSync(full);
      f = { body, type: TYPES[extname(full)] ?? 'application/octet-stream', etag: `"${st.size.toString(16)}-${st.mtimeMs.toString(16)}"` };
      // index.html changes with each build; hashed assets never do.
      if (!full.endsWith('index.html')) files.set(full, f);
    }
    return f;
  };
  return async (c, next) => {
    const path = c.req.path;
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || OTHER_SURFACES.test(path)) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(path).replace(/^\/+/, '');
    } catch {
      return next(); // a malformed %-escape names no file
    }
    let file = rel && !rel.endsWith('/') ? load(rel) : undefined;
    const asset = rel.startsWith('assets/');
    if (!file) {
      if (asset || extname(rel)) return next();
      rel = 'index.html';
      file = load(rel);
    }
    if (!file) return c.text('The web UI is not built: run `npm run build`.', 503);
    const headers: Record<string, string> = { ...SECURITY, 'content-type': file.type, etag: file.etag, 'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache' };
    if (c.req.header('if-none-match') === file.etag) return c.body(null, 304, headers);
    if (c.req.method === 'HEAD') return c.body(null, 200, headers);
    return c.body(new Uint8Array(file.body), 200, headers);
  };
}
