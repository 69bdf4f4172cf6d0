// The attendee's side of the class link, against a real class server on loopback: what it
// sends (and what it must never send), what leaving does, and that an absent or vanishing
// class server costs the lab server nothing: no throw, a bounded queue, a dropped count that
// reaches the host once it is back.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { parseClassArgs } from '../../../server/class/args.ts';
import { startClassHost } from '../../../server/class/host.ts';
import { sanitizeSummary, codeMatches, formatJoinCode } from '../../../server/class/protocol.ts';
import { ClassReporter } from '../../../server/class/reporter.ts';

const STEPS = [
  { lab: 'cluster-up', step: 'compose-up', labTitle: '클러스터', title: '시작' },
  { lab: 'cluster-up', step: 'quorum', labTitle: '클러스터', title: '쿼럼' },
];
const CODE = 'WXYZ-2345-6789-ABCD';
const fast = { initialBackoffMs: 20, maxBackoffMs: 100, batchDelayMs: 5 };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function until(what: string, predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('summaries leave the laptop without paths or secrets, on one bounded line', () => {
  const token = 'q'.repeat(43);
  const text = sanitizeSummary(`/home/kim/upbit-pipeline-lab/compose에서 실패했습니다.\n토큰 ${token} C:\\Users\\kim\\lab 와 ~/work/x 확인`);
  assert.ok(!/home|kim|Users|qqqq|~\//.test(text), text);
  assert.ok(!text.includes('\n'));
  assert.equal(sanitizeSummary('가'.repeat(500)).length, 200);
  assert.equal(sanitizeSummary('브로커 3대 중 2대만 응답합니다. kafka-3을 시작하세요.'), '브로커 3대 중 2대만 응답합니다. kafka-3을 시작하세요.');
});

test('join codes: 16 characters from 10 random bytes, compared regardless of case and dashes', () => {
  const code = formatJoinCode(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 255]));
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  assert.ok(codeMatches(code, code.toLowerCase().replaceAll('-', ' ')));
  assert.ok(!codeMatches(code, `${code}0`));
  assert.ok(!codeMatches(code, ''));
});

test('npm start class options: refused with a reason, or parsed', () => {
  assert.equal(parseClassArgs([]), null);
  assert.match(String(parseClassArgs(['--class', '10.0.0.1:4900'])), /참가 코드가 필요합니다/);
  assert.match(String(parseClassArgs(['--class', 'http://10.0.0.1', 'CODE'])), /호스트:포트/);
  assert.match(String(parseClassArgs(['--class', '10.0.0.1:4900', 'CODE', '--name', '줄\n바꿈'])), /표시 이름/);
  assert.deepEqual(parseClassArgs(['--class', '10.0.0.1:4900', 'CODE', '--name', ' 김철수 ']), { server: '10.0.0.1:4900', code: 'CODE', name: '김철수' });
  const unnamed = parseClassArgs(['--class', '[::1]:4900', 'CODE']);
  assert.match(typeof unnamed === 'object' && unnamed ? unnamed.name : '', /^참가자-[0-9a-f]{4}$/);
});

test('step changes and the doctor reach the grid; leaving removes the row and stops reporting', async (t) => {
  const host = await startClassHost({ bind: '127.0.0.1', port: 0, steps: STEPS, code: CODE, pushDelayMs: 5 });
  t.after(() => host.close());
  const reporter = new ClassReporter({ server: host.address, code: CODE, name: '영희', ...fast });
  t.after(() => reporter.leave());
  reporter.start();
  reporter.doctor({ ok: false, results: [{ id: 'ports:29092', title: '포트 29092', status: 'fail' }, { id: 'node', title: 'Node.js', status: 'pass' }] });
  reporter.step({ lab: 'cluster-up', step: 'compose-up', status: 'running' });
  reporter.step({ lab: 'cluster-up', step: 'compose-up', status: 'passed', result: { summary: '세 브로커가 모두 떴습니다.' } });
  reporter.step({ lab: 'cluster-up', step: 'quorum', status: 'failed', result: { summary: '/home/yh/lab에서 쿼럼이 2/3입니다.' } });
  const rowOf = () => host.snapshot().attendees.find((a) => a.name === '영희');
  await until('the reports', () => rowOf()?.cells['cluster-up/quorum']?.status === 'failed' && rowOf()?.doctor !== null);
  const row = rowOf()!;
  assert.equal(row.cells['cluster-up/compose-up']?.status, 'passed');
  assert.equal(row.cells['cluster-up/compose-up']?.summary, undefined, 'a passed step carries no text');
  assert.equal(row.cells['cluster-up/quorum']?.summary, '…에서 쿼럼이 2/3입니다.');
  assert.deepEqual(row.doctor?.failed, ['포트 29092']);
  await reporter.leave();
  assert.equal(rowOf(), undefined);
  reporter.step({ lab: 'cluster-up', step: 'quorum', status: 'passed' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(host.snapshot().attendees.length, 0, 'nothing is sent after leaving');
  assert.equal(reporter.stats().stopped, true);
});

test('with no class server the lab side never throws, keeps a bounded queue, and reports the drop count once the host is up', async (t) => {
  const port = await freePort();
  const reporter = new ClassReporter({ server: `127.0.0.1:${port}`, code: CODE, name: '민수', maxQueue: 20, ...fast });
  t.after(() => reporter.leave());
  reporter.start();
  for (let i = 0; i < 50; i++) reporter.step({ lab: 'cluster-up', step: 'compose-up', status: i % 2 ? 'running' : 'failed', result: { summary: `시도 ${i}` } });
  await until('a few failed attempts', () => reporter.stats().failures >= 2);
  assert.equal(reporter.stats().queued, 20);
  assert.equal(reporter.stats().dropped, 30);
  const host = await startClassHost({ bind: '127.0.0.1', port, steps: STEPS, code: CODE, pushDelayMs: 5 });
  t.after(() => host.close());
  await until('the backlog', () => reporter.stats().queued === 0 && host.snapshot().attendees.length === 1, 8000);
  const row = host.snapshot().attendees[0]!;
  assert.equal(row.dropped, 30);
  // The newest event survived: the oldest were the ones dropped.
  assert.equal(row.cells['cluster-up/compose-up']?.status, 'running');
});

test('a wrong code stops reporting after one clear message instead of retrying forever', async (t) => {
  const host = await startClassHost({ bind: '127.0.0.1', port: 0, steps: STEPS, code: CODE });
  t.after(() => host.close());
  const lines: string[] = [];
  const reporter = new ClassReporter({ server: host.address, code: 'AAAA-AAAA-AAAA-AAAA', name: '오타', ...fast, log: (line) => lines.push(line) });
  t.after(() => reporter.leave());
  reporter.start();
  await until('the refusal', () => reporter.stats().stopped);
  assert.match(lines.join('\n'), /참가 코드가 틀렸습니다.*보고를 멈춥니다/);
  assert.equal(host.stats().attendees, 0);
});
