// One owner for the temporary folders a test makes: each comes from `tempDir` and is removed
// when its test ends (pass `t.after`) or, by default, when the test file's process exits,
// after every hook has run (so shells and servers that still write there are gone first),
// even when an assertion failed halfway. The default is not node:test's `after`: one called
// inside a `before` hook runs as soon as that hook ends, deleting the folder before any test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The hook a folder's removal is registered with, e.g. `t.after.bind(t)`. */
type Cleanup = (fn: () => void | Promise<void>) => void;

/** Folders still to remove when the process exits. */
const pending = new Set<string>();
process.on('exit', () => {
  for (const dir of pending) rmSync(dir, { recursive: true, force: true });
});

function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  pending.delete(dir);
}

/** A fresh folder under the system temp dir, removed by `cleanup`, or at exit without one. */
export function tempDir(prefix: string, cleanup?: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), `upbit-lab-${prefix}-`));
  pending.add(dir);
  cleanup?.(() => remove(dir));
  return dir;
}
