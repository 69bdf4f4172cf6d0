// Decides, once per page, whether this page was opened through the lab server. The same
// HTML is served statically too, so the answer comes from /api/status rather than the build.
import { PROTOCOL_VERSION } from '../../server/wire.ts';

export type LabServerMode =
  /** Server present and our cookie is valid: show the lab buttons. */
  | 'live'
  /** Server present but the page was opened without the token link. */
  | 'no-token'
  /** Server speaks another protocol version than this build of the page. */
  | 'version-mismatch'
  /** No lab server (static hosting, `astro dev`, network error). */
  | 'static';

/** Finished step statuses by `lab/step`, as /api/status reports them (badges before the island loads). */
export type LabProgress = Record<string, 'passed' | 'failed'>;

export function readProgress(body: unknown): LabProgress {
  const progress: LabProgress = {};
  if (typeof body !== 'object' || body === null || !('progress' in body)) return progress;
  const raw = body.progress;
  if (typeof raw !== 'object' || raw === null) return progress;
  for (const [key, value] of Object.entries(raw)) {
    // Only well-formed step keys: never `__proto__` or anything else a body could smuggle in.
    if (/^[a-z0-9-]+\/[a-z0-9-]+$/.test(key) && (value === 'passed' || value === 'failed')) progress[key] = value;
  }
  return progress;
}

export async function detectLabServer(fetchStatus: () => Promise<Response>, onProgress?: (progress: LabProgress) => void): Promise<LabServerMode> {
  let response: Response;
  try {
    response = await fetchStatus();
  } catch {
    return 'static';
  }
  if (response.status === 401) return 'no-token';
  if (response.status !== 200) return 'static';
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return 'static';
  }
  if (typeof body !== 'object' || body === null || !('protocol' in body)) return 'static';
  if (body.protocol !== PROTOCOL_VERSION) return 'version-mismatch';
  onProgress?.(readProgress(body));
  return 'live';
}

export function fetchLabStatus(): Promise<Response> {
  return fetch('/api/status', { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } });
}
