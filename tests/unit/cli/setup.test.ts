// Chapter setup scripts: what workshop:install runs on a laptop that loads images instead of
// building them. Chapter 4's makes this machine's object-store keys once and keeps them after.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { COURSE } from '../../../chapters/index.ts';
import { runChapterSetups } from '../../../server/cli/setup.ts';
import { tempDir } from '../../helpers/temp.ts';

test('every chapter setup runs; chapter 4 writes its keys once and a second run keeps them', (t) => {
  const envFile = join(tempDir('setup', t.after.bind(t)), '.env');
  const saved = process.env['UPBIT_ENV_FILE'];
  process.env['UPBIT_ENV_FILE'] = envFile;
  t.after(() => (saved === undefined ? delete process.env['UPBIT_ENV_FILE'] : (process.env['UPBIT_ENV_FILE'] = saved)));
  assert.ok(COURSE.some((chapter) => chapter.setup), 'a chapter has a setup script');
  assert.equal(runChapterSetups(), null);
  const first = readFileSync(envFile, 'utf8');
  assert.match(first, /^S3_ACCESS_KEY=lab[0-9a-f]{18}$/m);
  assert.match(first, /^S3_SECRET_KEY=[0-9a-f]{40}$/m);
  assert.equal(runChapterSetups(), null);
  assert.equal(readFileSync(envFile, 'utf8'), first, 'the keys the store was made with stay');
});
