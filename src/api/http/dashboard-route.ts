/**
 * Serves the web dashboard (dashboard/, built by `npm run dashboard:build` into dashboard/dist)
 * under /: hashed assets with immutable caching, index.html (never cached) for / and, as a
 * single-page-app fallback, for page navigations (Accept: text/html) outside the API. Paths are
 * decoded, normalised and resolved inside the build folder (symlinks included), so nothing
 * outside it is ever read. Without a build, dashboard paths answer 404 with what to run.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/dist/', import.meta.url));

/** Paths that belong to the API: never answered with the dashboard, even when not found. */
const API_PATHS = /^\/(?:graphql|healthz|readyz|v\d+|\.well-known)(?:\/|$)/;
/** Vite's content-hashed output names, e.g. assets/index-B3Pr9LUr.js. */
const HASHED = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Everything the app needs comes from this origin; it calls only /graphql and the JWKS. Style
 * attributes set by script (React's `style`) are not blocked by style-src 'self'.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
    "manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * Whether the dashboard answers: GETs (and HEADs) outside the API for /, for files of the build,
 * and for pages of the app, i.e. requests that accept HTML (what browsers send when navigating).
 * Anything else falls through to the server's JSON 404.
 */
export function isDashboardRequest(req: Pick<http.IncomingMessage, 'method' | 'headers'>, pathname: string): boolean {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(pathname)) return false;
  if (pathname === '/' || pathname.startsWith('/assets/') || /\.[A-Za-z0-9]+$/.test(pathname)) return true;
  return /\btext\/html\b/i.test(String(req.headers.accept ?? ''));
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: Buffer | string, headers: Record<string, string>) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-length': String(bytes.length) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

const notFound = (req: http.IncomingMessage, res: http.ServerResponse, message: string) =>
  send(req, res, 404, `${message}\n`, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });

/** The regular file at `relative` inside `root`, or null (missing, a folder, or outside root). */
async function fileInside(root: string, relative: string): Promise<string | null> {
  const candidate = path.resolve(root, `.${relative}`);
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return null;
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(root + path.sep)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

export async function serveDashboard(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, dir: string = DASHBOARD_DIR): Promise<void> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    return notFound(req, res, 'The dashboard is not built. Run `npm run dashboard:build` (npm install and npm ci run it), then reload.');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return notFound(req, res, 'Not found.');
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return notFound(req, res, 'Not found.');
  const relative = path.posix.normalize(decoded);

  const index = async () => {
    const file = await fileInside(root, '/index.html');
    if (!file) return notFound(req, res, 'The dashboard is not built. Run `npm run dashboard:build` (npm install and npm ci run it), then reload.');
    return send(req, res, 200, await readFile(file), { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-cache' });
  };

  if (relative === '/' || relative === '/index.html') return index();
  const file = await fileInside(root, relative);
  if (file) {
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const cache = HASHED.test(relative) ? 'public, max-age=31536000, immutable' : 'no-cache';
    return send(req, res, 200, await readFile(file), { 'content-type': type, 'cache-control': cache });
  }
  // A missing file (an old hashed asset, a typo) is a 404; any other path is a page of the app.
  const last = relative.slice(relative.lastIndexOf('/') + 1);
  if (relative.startsWith('/assets/') || last.includes('.')) return notFound(req, res, `No dashboard file at ${pathname}.`);
  return index();
}
