// Where things are on disk, in one place: the repo root, the lab workspace (compose/, where
// the chapter's commands are typed), runtime state, and the built site.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WORKSPACE_DIR = join(REPO_ROOT, 'compose');
export const STATE_DIR = process.env['UPBIT_LAB_STATE_DIR'] ?? join(REPO_ROOT, '.lab-state');
export const SITE_DIR = join(REPO_ROOT, 'dist');
