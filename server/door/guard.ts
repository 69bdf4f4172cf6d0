// The door's decisions about *who* may talk to the lab server, kept pure so each rule can be
// unit-tested without sockets. The lab server runs shell commands on the learner's laptop;
// any web page they visit can reach 127.0.0.1, so every request must prove it comes from our
// own page (Host + Origin defeat DNS rebinding and cross-site WebSockets) and carries the
// token that `npm start` printed (defeats other local programs and other browser profiles).
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The token cookie's name for the server on `port`. Browsers scope cookies by host, not port,
 * so every 127.0.0.1 server sees every cookie: naming it by port keeps two lab servers side by
 * side from overwriting each other's cookie, and each reads only its own.
 */
export function cookieName(port: number): string {
  return `upbit_lab_${port}`;
}

/** The names a browser on this machine can use to reach us; anything else is rebinding. */
export interface Allowlist {
  readonly hosts: ReadonlySet<string>;
  readonly origins: ReadonlySet<string>;
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'] as const;

/**
 * @param extraHostNames extra names (without port) for LAB_ALLOW_REMOTE setups, e.g. a LAN IP.
 *   IPv6 literals must be given in brackets, as they appear in a Host header.
 */
export function buildAllowlist(port: number, extraHostNames: readonly string[] = []): Allowlist {
  const names = [...LOOPBACK_NAMES, ...extraHostNames.map((name) => name.toLowerCase())];
  return {
    hosts: new Set(names.map((name) => `${name}:${port}`)),
    origins: new Set(names.map((name) => `http://${name}:${port}`)),
  };
}

/** Host names are case-insensitive (RFC 9110 §4.2.3), so `LOCALHOST:4800` is still us. */
export function isAllowedHost(allow: Allowlist, hostHeader: string | undefined): boolean {
  return hostHeader !== undefined && allow.hosts.has(hostHeader.toLowerCase());
}

/**
 * Browsers serialize Origin in lower case, so an exact match is both correct and strict:
 * `null`, another scheme, another port and a missing header all fail.
 */
export function isAllowedOrigin(allow: Allowlist, originHeader: string | undefined): boolean {
  return originHeader !== undefined && allow.origins.has(originHeader);
}

/** >= 128 bits of base64url: 22 characters carry 132 bits. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{22,512}$/.test(token);
}

/**
 * Returns a checker that compares candidates in constant time. Hashing first makes both
 * sides the same length, so neither the comparison nor a length check leaks how many
 * leading characters of a guess were right.
 */
export function createTokenCheck(token: string): (candidate: string | undefined) => boolean {
  const expected = createHash('sha256').update(token, 'utf8').digest();
  return (candidate) => {
    if (candidate === undefined || candidate.length > 1024) return false;
    const actual = createHash('sha256').update(candidate, 'utf8').digest();
    return timingSafeEqual(expected, actual);
  };
}

/** All values of one cookie (a browser may send a stale duplicate beside the right one). */
export function readCookieValues(cookieHeader: string | undefined, name: string): string[] {
  if (cookieHeader === undefined) return [];
  const values: string[] = [];
  for (const pair of cookieHeader.split(';')) {
    const separator = pair.indexOf('=');
    if (separator < 0) continue;
    if (pair.slice(0, separator).trim() === name) values.push(pair.slice(separator + 1).trim());
  }
  return values;
}

export function sessionCookie(token: string, port: number): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

/** True when the request proves knowledge of the token via cookie or `?token=`. */
export function hasValidToken(
  check: (candidate: string | undefined) => boolean,
  cookieHeader: string | undefined,
  queryToken: string | null,
  port: number,
): boolean {
  // Evaluate every candidate instead of short-circuiting, so timing does not reveal which one matched.
  let valid = queryToken !== null && check(queryToken);
  for (const value of readCookieValues(cookieHeader, cookieName(port))) valid = check(value) || valid;
  return valid;
}

/** `Sec-WebSocket-Protocol` is a comma-separated list; the page must offer our exact version. */
export function offersSubprotocol(protocolHeader: string | undefined, wanted: string): boolean {
  if (protocolHeader === undefined) return false;
  return protocolHeader.split(',').some((offered) => offered.trim() === wanted);
}
