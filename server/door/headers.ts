// Response headers every answer from the door carries, including refusals, redirects and raw
// upgrade rejections. They keep our pages from being framed (clickjacking a "run step"
// button), sniffed into another type or leaking the address via Referer, and they send no
// CORS headers at all: no other origin may read anything from the lab server.
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { contentSecurityPolicy } from './csp.ts';

/** The headers with no inline script allowed (refusals and plain-text answers need none). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy([]),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/** `policy`: the site's CSP with its build's inline-script hashes (door.ts makes it once). */
export function applySecurityHeaders(response: ServerResponse, policy?: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  if (policy !== undefined) response.setHeader('Content-Security-Policy', policy);
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
