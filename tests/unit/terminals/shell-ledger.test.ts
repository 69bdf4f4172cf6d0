// The shell ledger on disk: entries carry the start time read from the live process, a
// disposed shell's entry goes away, the file stays bounded however many shells are recorded,
// no temp file is left behind, and a clean shutdown removes the file. The ledger never
// signals anything; the bound is shown with sleeping children this test starts and ends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { processStartTime } from '../../../server/server-record.ts';
import { MAX_LEDGER_BYTES, MAX_LEDGER_SHELLS, ShellLedger, type LedgerContents } from '../../../server/terminals/shell-ledger.ts';
import { tempDir } from '../../helpers/temp.ts';

const NONCE = '0123456789abcdef';
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as LedgerContents;

test('record writes pid, start time and nonce; forget removes the entry; close removes the file', (t) => {
  const stateDir = tempDir('ledger', t.after.bind(t));
  const ledger = new ShellLedger(stateDir);
  ledger.record(process.pid, NONCE, 'lab/main');
  const written = read(ledger.file);
  assert.deepEqual(written.server, { pid: process.pid, startedAt: processStartTime(process.pid) });
  assert.deepEqual(written.shells, [{ pid: process.pid, startedAt: processStartTime(process.pid), nonce: NONCE, key: 'lab/main' }]);
  ledger.forget(process.pid);
  assert.deepEqual(read(ledger.file).shells, []);
  assert.deepEqual(readdirSync(stateDir).filter((name) => name.endsWith('.tmp')), [], 'no temp file left by the atomic write');
  ledger.close();
  assert.deepEqual(readdirSync(stateDir), []);
});

test('a pid with no process is not recorded', (t) => {
  const ledger = new ShellLedger(tempDir('ledger', t.after.bind(t)));
  t.after(() => ledger.close());
  ledger.record(2 ** 30, NONCE, 'lab/main');
  assert.throws(() => readFileSync(ledger.file), 'nothing to write for a process that does not exist');
});

test('the ledger stays bounded: at most MAX_LEDGER_SHELLS entries, the newest kept', { skip: !processStartTime(process.pid)?.startsWith('proc:') && 'needs /proc for many live pids' }, (t) => {
  const ledger = new ShellLedger(tempDir('ledger', t.after.bind(t)));
  t.after(() => ledger.close());
  // Live processes of our own, as many as the bound and some, whatever else runs on the machine.
  const children = Array.from({ length: MAX_LEDGER_SHELLS + 10 }, () => spawn('sleep', ['60'], { stdio: 'ignore' }));
  t.after(() => { for (const child of children) child.kill('SIGKILL'); });
  const live = children.map((child) => child.pid!);
  const warn = console.warn;
  console.warn = () => undefined; // one line per dropped entry is expected here
  try {
    for (const pid of live) ledger.record(pid, NONCE, `lab/${'x'.repeat(500)}`);
  } finally {
    console.warn = warn;
  }
  const shells = read(ledger.file).shells;
  assert.ok(shells.length <= MAX_LEDGER_SHELLS && shells.length >= MAX_LEDGER_SHELLS - 10, `${shells.length} entries`);
  assert.equal(shells.at(-1)?.pid, live.at(-1), 'the newest entry is kept');
  assert.ok(statSync(ledger.file).size < MAX_LEDGER_BYTES, `${statSync(ledger.file).size} bytes`);
});
