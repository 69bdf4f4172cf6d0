// Content-Security-Policy for the built site without 'unsafe-inline' scripts. Astro and
// Starlight inline a few small scripts (theme before paint, islands); the build hashes each
// of them (astro.config.mjs runs `writeScriptHashes` when the build is done) and the door
// allows exactly those hashes. Any other inline script (an injected one) is refused.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Written into the built site by the build, read by the door at start. */
export const SCRIPT_HASHES_FILE = 'csp-script-hashes.json';

const SCRIPT_TAG = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
/** Script types a browser executes; JSON and other data blocks are not scripts to CSP. */
const EXECUTABLE_TYPE = /^\s*(?:|text\/javascript|application\/javascript|module)\s*$/i;

/** CSP source expressions ('sha256-…') of every inline executable script in one HTML page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(SCRIPT_TAG)) {
    const attributes = match[1] ?? '';
    if (/\bsrc\s*=/i.test(attributes)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attributes)?.[1] ?? '';
    if (!EXECUTABLE_TYPE.test(type)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(match[2] ?? '', 'utf8').digest('base64')}'`);
  }
  return hashes;
}

function htmlFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...htmlFiles(path));
    else if (entry.name.endsWith('.html')) found.push(path);
  }
  return found;
}

/** Build step: hashes every inline script of every page of `siteDir` into SCRIPT_HASHES_FILE. */
export function writeScriptHashes(siteDir: string): string[] {
  const hashes = new Set<string>();
  for (const file of htmlFiles(siteDir)) for (const hash of inlineScriptHashes(readFileSync(file, 'utf8'))) hashes.add(hash);
  const sorted = [...hashes].sort();
  writeFileSync(join(siteDir, SCRIPT_HASHES_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
  return sorted;
}

/** The build's hashes; none when the file is missing or malformed (then no inline script runs). */
export function readScriptHashes(siteDir: string): string[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(siteDir, SCRIPT_HASHES_FILE), 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((hash): hash is string => typeof hash === 'string' && /^'sha256-[A-Za-z0-9+/=]+'$/.test(hash)) : [];
  } catch {
    return [];
  }
}

/**
 * 'wasm-unsafe-eval' lets Starlight's Pagefind search instantiate its WebAssembly; it does not
 * allow eval() of strings. style-src keeps 'unsafe-inline': Astro inlines styles and Expressive
 * Code writes style attributes, and styles cannot run code.
 */
export function contentSecurityPolicy(scriptHashes: readonly string[]): string {
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes, "'wasm-unsafe-eval'"].join(' '),
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
}
