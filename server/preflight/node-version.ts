// Probe 6: can this Node run the course's .ts files directly? The range is package.json
// engines.node (type stripping is on by default from 22.18 and 23.6; astro's undici needs
// 22.19), read and worded by scripts/node-gate.cjs, the gate every npm script passes first,
// so the doctor and the refusal an old Node prints say the same thing.
import { AFTER_INSTALL, installSteps, problemText, requiredRange, satisfies } from '../../scripts/node-gate.cjs';
import type { ProbeResult } from './types.ts';

/** Every platform's install steps and what to do after, one per line, as the gate prints them. */
export const NODE_FIX = [...installSteps(), AFTER_INSTALL].join('\n');

/** True when `version` (like `22.19.0` or `v24.1.0`) is inside package.json engines.node. */
export function supportsTypeStripping(version: string, range: string = requiredRange()): boolean {
  return satisfies(version, range);
}

export function probeNodeVersion(version: string = process.versions.node, range: string = requiredRange()): ProbeResult {
  if (satisfies(version, range)) {
    return { id: 'node', title: 'Node.js', status: 'pass', detail: `Node ${version} (TypeScript 파일을 바로 실행, package.json engines.node ${range} 충족)` };
  }
  return { id: 'node', title: 'Node.js', status: 'fail', detail: problemText(version, range), fix: NODE_FIX };
}
