// The transcript behind marks and waits: text since a mark across chunk boundaries, the bound
// on what is kept, and a wait that finds text split across two chunks without rescanning all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PLAIN_TEXT_CHARS, Transcript } from '../../../server/terminals/transcript.ts';

test('text since a mark is exactly what came after it, escapes stripped, across chunks', () => {
  const transcript = new Transcript();
  transcript.append('before\r\n');
  const mark = transcript.mark();
  transcript.append('\u001b[1;36mone');
  transcript.append('\u001b[0m two\r\n');
  transcript.append('three');
  assert.equal(transcript.textSince(mark), 'one two\nthree');
  assert.equal(transcript.textSince(mark + 4), 'two\nthree');
  assert.equal(transcript.textSince(transcript.mark()), '');
});

test('only the most recent text is kept, at least the bound', () => {
  const transcript = new Transcript();
  const chunk = 'x'.repeat(1000);
  for (let i = 0; i < 400; i++) transcript.append(chunk);
  const kept = transcript.textSince(0).length;
  assert.ok(kept >= PLAIN_TEXT_CHARS && kept <= PLAIN_TEXT_CHARS + chunk.length, `kept ${kept}`);
  transcript.append('tail');
  assert.ok(transcript.textSince(0).endsWith('xtail'));
});

test('a wait finds text split across two chunks, and only after its mark', async () => {
  const transcript = new Transcript();
  transcript.append('DONE already\n');
  const waiting = transcript.waitForText('DONE', transcript.mark(), 1000);
  transcript.append('noise '.repeat(100));
  transcript.append('DO');
  transcript.append('NE\n');
  assert.equal(await waiting, true);
  assert.equal(await transcript.waitForText('NEVER', transcript.mark(), 50), false);
});
