// Response headers every answer from the door carries, including refusals, redirects and raw
// upgrade rejections. They keep our pages from being framed (clickjacking a "run step"
// button), sniffed into another type or leaking the address via Referer, and they send no
// CORS headers at all: no other origin may read anything from the lab server.
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';

/**
 * script-src allows 'unsafe-inline' because Astro and Starlight inline small scripts (theme
 * choice before paint, `<script>` islands) and the page is our own static build, not user
 * content. 'wasm-unsafe-eval' lets Starlight's Pagefind search instantiate its WebAssembly;
 * it does not allow eval() of strings. style-src allows inline styles that Astro inlines and
 * Expressive Code writes into style attributes.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  // 'self' covers ws:// to the same host and port in current browsers (CSP Level 3).
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

export function applySecurityHeaders(response: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}

export function sendText(response: ServerResponse, status: number, text: string, extraHeaders: Record<string, string> = {}): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...extraHeaders,
  });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}

/**
 * A complete HTTP/1.1 response for a socket that never became an HTTP response object
 * (a refused WebSocket upgrade, a malformed request). Closes the connection.
 */
export function rawResponse(status: number, text: string): string {
  const body = Buffer.from(text, 'utf8');
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${body.byteLength}`,
    'Cache-Control: no-store',
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${text}`;
}
