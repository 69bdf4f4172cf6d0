// The class server under hostile attendees, no Docker: a wrong code, forged and replayed
// tokens, replayed reports, oversize and malformed bodies, 200 joins for 100 seats, a browser
// page posting, and one attendee flooding reports. After each, the host still answers and its
// grid is exactly what the honest attendees reported.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startClassHost, type ClassHost } from '../../../server/class/host.ts';
import { REPO_ROOT } from '../../../server/paths.ts';

const STEPS = [
  { lab: 'cluster-up', step: 'compose-up', labTitle: '클러스터 올리기', title: '브로커 세 대 시작' },
  { lab: 'cluster-up', step: 'quorum', labTitle: '클러스터 올리기', title: '쿼럼 확인' },
  { lab: 'topics', step: 'create', labTitle: '토픽', title: '토픽 만들기' },
];
const CODE = 'ABCD-EFGH-JKMN-PQRS';
let host: ClassHost;
let base: string;

before(async () => {
  host = await startClassHost({ bind: '127.0.0.1', port: 0, steps: STEPS, code: CODE, pushDelayMs: 10 });
  base = `http://${host.address}/api/attendee`;
});
after(() => host.close());

async function post(path: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: { [key: string]: unknown } }> {
  const response = await fetch(`${base}/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() as { [key: string]: unknown } };
}

async function joinAs(name: string): Promise<{ id: string; token: string }> {
  const answer = await post('join', { code: CODE, name });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body as { id: string; token: string };
}

const stepEvent = (lab: string, step: string, status: string, summary?: string) => ({ kind: 'step', lab, step, status, at: Date.now(), ...(summary ? { summary } : {}) });

function row(id: string) {
  return host.snapshot().attendees.find((a) => a.id === id);
}

test('a wrong join code is refused; case and dashes of the right one do not matter', async () => {
  const wrong = await post('join', { code: 'ABCD-EFGH-JKMN-PQRT', name: '틀린 코드' });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.body['error'], 'wrong-code');
  assert.match(String(wrong.body['message']), /참가 코드가 틀렸습니다/);
  assert.ok(!host.snapshot().attendees.some((a) => a.name === '틀린 코드'));
  const sloppy = await post('join', { code: 'abcdefghjkmnpqrs', name: '소문자' });
  assert.equal(sloppy.status, 200);
  await post('leave', {}, String(sloppy.body['token']));
});

test('forged and replayed tokens are refused; a replayed report is acknowledged but not applied', async () => {
  const { id, token } = await joinAs('토큰 주인');
  const forged = await post('report', { seq: 1, events: [stepEvent('cluster-up', 'compose-up', 'passed')] }, 'A'.repeat(43));
  assert.equal(forged.status, 401);
  assert.equal((await post('report', { seq: 1, events: [] }, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).status, 401);

  assert.equal((await post('report', { seq: 1, events: [stepEvent('cluster-up', 'compose-up', 'failed', '브로커가 아직 없습니다.')] }, token)).status, 200);
  assert.equal((await post('report', { seq: 2, events: [stepEvent('cluster-up', 'compose-up', 'passed')] }, token)).status, 200);
  // The captured first report, sent again: it must not turn the passed step back to failed.
  const replay = await post('report', { seq: 1, events: [stepEvent('cluster-up', 'compose-up', 'failed', '브로커가 아직 없습니다.')] }, token);
  assert.equal(replay.status, 200);
  assert.equal(replay.body['duplicate'], true);
  assert.equal(row(id)?.cells['cluster-up/compose-up']?.status, 'passed');

  assert.equal((await post('leave', {}, token)).status, 200);
  assert.equal(row(id), undefined, 'leaving removes the row');
  assert.equal((await post('report', { seq: 3, events: [] }, token)).status, 401, 'a token is dead after leaving');
});

test('oversize, malformed and out-of-schema bodies are refused and change nothing', async () => {
  const { id, token } = await joinAs('검증');
  const huge = await post('report', { seq: 1, events: [stepEvent('topics', 'create', 'failed', 'x'.repeat(20_000))] }, token).catch((error: unknown) => ({ status: 0, body: { error: String(error) } }));
  assert.ok(huge.status === 413 || huge.status === 0, `oversize: ${huge.status}`);
  assert.equal((await post('report', '{"seq": 1, "events": [', token)).status, 400);
  const cases: unknown[] = [
    { seq: 1, events: [{ ...stepEvent('topics', 'create', 'passed'), extra: 1 }] },
    { seq: 0, events: [] },
    { seq: 1.5, events: [] },
    { seq: 1, events: [stepEvent('topics', 'create', 'exploded')] },
    { seq: 1, events: [stepEvent('../etc', 'create', 'passed')] },
    { seq: 1, events: [stepEvent('rm-rf', 'everything', 'passed')] },
    { seq: 1, events: [stepEvent('topics', 'create', 'failed', '줄바꿈\n위조')] },
    { seq: 1, events: Array.from({ length: 51 }, () => stepEvent('topics', 'create', 'running')) },
    { seq: 1, events: [{ kind: 'shell', command: 'id' }] },
    [1, 2, 3],
    null,
  ];
  for (const body of cases) {
    const answer = await post('report', body, token);
    assert.equal(answer.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${answer.status}`);
  }
  const notJson = await fetch(`${base}/report`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' }, body: 'hello' });
  assert.equal(notJson.status, 415);
  for (const name of ['', ' ', 'a'.repeat(33), '이름\u202E뒤집기', '탭\t이름']) {
    assert.equal((await post('join', { code: CODE, name })).status, 400, JSON.stringify(name));
  }
  assert.deepEqual(row(id)?.cells, {}, 'nothing was applied');
  assert.equal((await post('report', { seq: 1, events: [stepEvent('topics', 'create', 'passed')] }, token)).status, 200, 'the host still works');
  await post('leave', {}, token);
});

test('a web page cannot post as an attendee, and the grid needs the instructor key', async () => {
  const fromPage = await post('join', { code: CODE, name: '페이지' }, undefined, { Origin: 'http://evil.example' });
  assert.equal(fromPage.status, 403);
  const state = await fetch(`http://${host.address}/api/state`);
  assert.equal(state.status, 401);
  const page = await fetch(`http://${host.address}/`);
  assert.equal(page.status, 401);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';/);
  const wrongKey = await fetch(`http://${host.address}/?key=nope`, { redirect: 'manual' });
  assert.equal(wrongKey.status, 401);
  const rightKey = await fetch(host.instructorUrl, { redirect: 'manual' });
  assert.equal(rightKey.status, 302);
  const cookie = (rightKey.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.match(rightKey.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
  const withCookie = await fetch(`http://${host.address}/api/state`, { headers: { Cookie: cookie } });
  assert.equal(withCookie.status, 200);
  const crossSite = await fetch(`http://${host.address}/api/state`, { headers: { Cookie: cookie, Origin: 'http://evil.example' } });
  assert.equal(crossSite.status, 403);
});

test('200 attendees join at once: exactly 100 get a seat, the rest are told the class is full', async () => {
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => post('join', { code: CODE, name: `학생${i}` })));
  const seated = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status !== 200);
  assert.equal(seated.length, 100);
  assert.ok(refused.every((a) => a.status === 503 && a.body['error'] === 'class-full' && /정원\(100명\)이 찼습니다/.test(String(a.body['message']))));
  assert.equal(host.stats().attendees, 100);
  // Seats come back when people leave.
  await Promise.all(seated.map((a) => post('leave', {}, String(a.body['token']))));
  assert.equal(host.stats().attendees, 0);
  await joinAs('다시 빈자리').then(({ token }) => post('leave', {}, token));
});

test('a flooding attendee is slowed down; others are unaffected and the grid stays right', async () => {
  const flooder = await joinAs('<img src=x onerror=alert(1)>');
  const honest = await joinAs('성실');
  let seq = 0;
  const flood = await Promise.all(Array.from({ length: 120 }, () => post('report', { seq: ++seq, events: [stepEvent('topics', 'create', 'running')] }, flooder.token)));
  const limited = flood.filter((a) => a.status === 429).length;
  // The bucket holds 20 and refills 5 a second: at most a few dozen of 120 sent at once get through.
  assert.ok(limited >= 80, `only ${limited} of 120 were limited`);
  const honestAnswer = await post('report', { seq: 1, events: [stepEvent('cluster-up', 'quorum', 'failed', '컨트롤러 쿼럼이 2/3입니다. kafka-3을 시작하세요.')] }, honest.token);
  assert.equal(honestAnswer.status, 200);
  const snapshot = host.snapshot();
  assert.equal(snapshot.counts['cluster-up/quorum']?.failed, 1);
  assert.equal(snapshot.commonFailure?.summary, '컨트롤러 쿼럼이 2/3입니다. kafka-3을 시작하세요.');
  assert.equal(row(flooder.id)?.name, '<img src=x onerror=alert(1)>', 'the name is kept as text, rendering escapes it');
  await post('leave', {}, flooder.token);
  await post('leave', {}, honest.token);
});

test('garbage on the socket does not take the host down', async () => {
  await new Promise<void>((resolve) => {
    const request = httpRequest({ host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/attendee/join', headers: { 'Content-Type': 'application/json', 'Content-Length': '10' } });
    request.on('error', () => resolve());
    request.on('response', (response) => { response.resume(); resolve(); });
    request.write('{"co');
    request.destroy();
    setTimeout(resolve, 100);
  });
  const { token } = await joinAs('뒤에 온 사람');
  await post('leave', {}, token);
});

test('the class host imports nothing that can run a command', () => {
  const dir = join(REPO_ROOT, 'server', 'class');
  for (const file of ['host.ts', 'protocol.ts', 'rate.ts', 'snapshot.ts']) {
    const text = readFileSync(join(dir, file), 'utf8');
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    for (const specifier of imports) {
      assert.ok(!/child_process|node-pty|worker_threads|node:vm|engine|terminals|docker/.test(specifier ?? ''), `${file} imports ${specifier}`);
    }
  }
});
