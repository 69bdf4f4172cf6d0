// The offline workshop bundle's format, with Node built-ins only: `npm run workshop:install`
// runs in a fresh clone before `npm install`, so nothing here may import a dependency. A
// bundle is one tar holding images.tar (docker save), npm-cache/ (an npm cache that `npm ci
// --offline` installs from), site/ (the built dist/) and manifest.json; a sidecar
// `<archive>.sha256` in sha256sum's format lets the laptop check it before trusting it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const MANIFEST_FILE = 'manifest.json';
export const IMAGES_FILE = 'images.tar';
export const NPM_CACHE_DIR = 'npm-cache';
export const SITE_DIR_NAME = 'site';

export interface BundleManifest {
  format: 1;
  createdAt: string;
  /** Docker's platform of the saved images (e.g. linux/amd64): a laptop of another one cannot use them. */
  platform: string;
  node: string;
  commit: string;
  /**
   * compose/.env lines the install writes, so compose uses the loaded images. `saved` is the
   * name inside images.tar when it differs from `tag` (a cross-built bundle: <tag>-arm64).
   */
  images: Array<{ tag: string; variable?: string | undefined; saved?: string | undefined }>;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `<hex>  <name>` as sha256sum writes it; the name is informative only. */
export function checksumLine(hex: string, name: string): string {
  return `${hex}  ${name}\n`;
}

export function parseChecksum(text: string): string | null {
  return /^([0-9a-f]{64})\b/.exec(text.trim())?.[1] ?? null;
}

/** Sets each VAR=value in an env file's text, keeping every other line as it was. */
export function mergeEnv(text: string, values: Readonly<Record<string, string>>): string {
  const pending = new Map(Object.entries(values));
  const lines = text.split('\n').filter((line, index, all) => !(index === all.length - 1 && line === ''));
  const merged = lines.map((line) => {
    const key = /^([A-Z0-9_]+)=/.exec(line)?.[1];
    if (key === undefined || !pending.has(key)) return line;
    const value = pending.get(key)!;
    pending.delete(key);
    return `${key}=${value}`;
  });
  for (const [key, value] of pending) merged.push(`${key}=${value}`);
  return `${merged.join('\n')}\n`;
}

export function parseManifest(text: string): BundleManifest {
  const raw = JSON.parse(text) as Partial<BundleManifest>;
  if (raw.format !== 1 || !Array.isArray(raw.images) || typeof raw.platform !== 'string') throw new Error('번들의 manifest.json 형식을 알 수 없습니다. 같은 버전의 코스로 만든 번들인지 확인하세요.');
  for (const image of raw.images) {
    if (typeof image.tag !== 'string' || !/^[a-z0-9][a-z0-9._/:-]*$/.test(image.tag)) throw new Error(`번들의 이미지 이름이 이상합니다: ${String(image.tag)}`);
    if (image.saved !== undefined && (typeof image.saved !== 'string' || !/^[a-z0-9][a-z0-9._/:-]*$/.test(image.saved))) throw new Error(`번들의 이미지 이름이 이상합니다: ${String(image.saved)}`);
    if (image.variable !== undefined && !/^[A-Z][A-Z0-9_]*$/.test(image.variable)) throw new Error(`번들의 변수 이름이 이상합니다: ${String(image.variable)}`);
  }
  return raw as BundleManifest;
}
