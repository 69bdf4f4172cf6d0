// Probe 6: can this Node run the course's .ts files directly? Type stripping is on by
// default from Node 22.18 and 23.6 (and every 24+); older versions fail on the first import.
import type { ProbeResult } from './types.ts';

export const NODE_FIX = 'Node.js 24 LTS(최소 22.18)를 설치하세요: https://nodejs.org 또는 nvm install 24';

/** True when `version` (like `22.18.0` or `v24.1.0`) strips types without flags. */
export function supportsTypeStripping(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10));
  if (major >= 24) return true;
  if (major === 23) return minor >= 6;
  if (major === 22) return minor >= 18;
  return false;
}

export function probeNodeVersion(version: string = process.versions.node): ProbeResult {
  if (supportsTypeStripping(version)) {
    return { id: 'node', title: 'Node.js', status: 'pass', detail: `Node ${version} (TypeScript 파일을 바로 실행)` };
  }
  return {
    id: 'node', title: 'Node.js', status: 'fail',
    detail: `Node ${version}에서는 .ts 파일을 바로 실행할 수 없습니다 (22.18 이상 필요)`,
    fix: NODE_FIX,
  };
}
