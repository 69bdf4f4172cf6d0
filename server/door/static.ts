// Serves the built site (dist/) so the course pages and the lab server share one origin, which
// is what lets the WebSocket and the cookie stay same-origin. A static server is a classic
// way out of its directory, so paths are validated segment by segment before touching the
// disk and the final real path (after symlinks) must still be inside the site directory.
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { sendText } from './headers.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  // Pagefind's index files (.pf_meta, .pf_index, .pf_fragment, .pagefind) are gzip blobs.
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticPath =
  | { ok: true; segments: string[]; directory: boolean }
  | { ok: false; status: 400 | 404 };

/**
 * Validates a raw (still percent-encoded) request path. Segments are decoded one at a time,
 * so an encoded `/` (%2F) cannot create a new segment and an encoded `..` (%2e%2e) is caught
 * after decoding, exactly like a literal one.
 */
export function parseStaticPath(rawPath: string): StaticPath {
  if (!rawPath.startsWith('/') || rawPath.includes('\\')) return { ok: false, status: 400 };
  const rawSegments = rawPath.slice(1).split('/');
  const directory = rawPath.endsWith('/');
  if (directory) rawSegments.pop();
  const segments: string[] = [];
  for (const rawSegment of rawSegments) {
    // `//` would turn a redirect Location into a protocol-relative URL to another host.
    if (rawSegment === '') return { ok: false, status: 400 };
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      return { ok: false, status: 400 };
    }
    if (segment === '.' || segment === '..') return { ok: false, status: 400 };
    if (/[\u0000-\u001f\u007f/\\]/.test(segment)) return { ok: false, status: 400 };
    // Dotfiles are never part of the site; refusing them also hides any stray .env or .git.
    if (segment.startsWith('.')) return { ok: false, status: 404 };
    segments.push(segment);
  }
  return { ok: true, segments, directory };
}

export interface StaticSite {
  /** Real path of the site directory, or undefined when it has not been built yet. */
  readonly root: string | undefined;
}

export async function openStaticSite(siteDir: string): Promise<StaticSite> {
  try {
    return { root: await realpath(siteDir) };
  } catch {
    return { root: undefined };
  }
}

/** Resolves to a regular file inside the root, or undefined. Never follows a path outside. */
async function resolveFile(root: string, candidate: string): Promise<string | undefined> {
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(root + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

export async function sendNotFound(site: StaticSite, response: ServerResponse): Promise<void> {
  const page = site.root === undefined ? undefined : await resolveFile(site.root, join(site.root, '404.html'));
  if (page !== undefined) {
    const html = await readFile(page);
    response.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': html.byteLength, 'Cache-Control': 'no-cache' });
    response.end(response.req.method === 'HEAD' ? undefined : html);
    return;
  }
  const text = site.root === undefined
    ? '사이트가 아직 빌드되지 않았습니다. npm run build를 실행한 뒤 실습 서버를 다시 시작하세요.\n'
    : '페이지를 찾을 수 없습니다.\n';
  sendText(response, 404, text);
}

/** GET/HEAD of one file of the built site; the caller has already checked method and access. */
export async function serveStatic(site: StaticSite, request: IncomingMessage, response: ServerResponse, rawPath: string): Promise<void> {
  const parsed = parseStaticPath(rawPath);
  if (!parsed.ok) {
    if (parsed.status === 404) return sendNotFound(site, response);
    return sendText(response, 400, '잘못된 경로입니다.\n');
  }
  if (site.root === undefined) return sendNotFound(site, response);

  let candidate = join(site.root, ...parsed.segments);
  if (await isDirectory(candidate)) {
    if (!parsed.directory) {
      // Relative links in Astro's directory-style pages only resolve with the trailing slash.
      // rawPath was validated above: it starts with exactly one '/', so this stays on our origin.
      response.writeHead(301, { Location: `${rawPath}/`, 'Content-Length': 0 });
      response.end();
      return;
    }
    candidate = join(candidate, 'index.html');
  }
  let file = await resolveFile(site.root, candidate);
  if (file === undefined && !parsed.directory && extname(candidate) === '') {
    file = await resolveFile(site.root, `${candidate}.html`); // build.format: 'file'
  }
  if (file === undefined) return sendNotFound(site, response);

  const size = (await stat(file)).size;
  response.writeHead(200, {
    'Content-Type': contentTypeFor(file),
    'Content-Length': size,
    // Astro fingerprints everything under /_astro/; pages must be revalidated after a rebuild.
    'Cache-Control': rawPath.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(file);
  // The response owns the stream: a client that disconnects mid-file must not leak the fd.
  response.once('close', () => stream.destroy());
  stream.once('error', () => response.destroy());
  stream.pipe(response);
}
