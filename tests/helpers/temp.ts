// One owner for the temporary folders a test makes: each comes from `tempDir`, which removes
// it when the test (or the file, for `before` hooks) ends, so a run leaves nothing in the
// system temp folder even when an assertion fails halfway.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** The hook a folder's removal is registered with: `t.after` of a test, or the file's `after`. */
type Cleanup = (fn: () => void | Promise<void>) => void;

/** Every folder this process made, so `leftoverTempDirs` can prove they are gone. */
const made = new Set<string>();

/** A fresh folder under the system temp dir, removed by `cleanup` (default: after the file). */
export function tempDir(prefix: string, cleanup: Cleanup = after): string {
  const dir = mkdtempSync(join(tmpdir(), `upbit-lab-${prefix}-`));
  made.add(dir);
  cleanup(() => {
    rmSync(dir, { recursive: true, force: true });
    made.delete(dir);
  });
  return dir;
}

/** Folders made here and not yet removed (a test asserting cleanup reads it). */
export function leftoverTempDirs(): string[] {
  return [...made];
}
