// `npm run lab -- list | run <lab>|all [--from <step>] [--json <file>] [--keep]`
// Runs lab steps headless with the same engine, terminals and checks as the page, so CI and
// terminal-minded learners exercise exactly what the browser does. Stops at the first failure.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadCourse } from '../../chapters/plugins.ts';
import type { Lab } from '../labs.ts';
import type { StepState } from '../wire.ts';
import { createLabRuntime, type LabRuntime } from '../runtime.ts';

const USAGE = `사용법:
  npm run lab -- list
  npm run lab -- run <lab>|all [--from <단계>] [--json <파일>] [--keep]

  --from   그 단계 직전까지 따라잡기(catch-up)를 한 뒤 그 단계부터 실행합니다 (한 실습만).
  --json   단계별 결과를 JSON 파일로 씁니다.
  --keep   run all에서 마지막 teardown 실습을 건너뛰어 클러스터를 남겨 둡니다.`;

interface ReportStep {
  id: string;
  ok: boolean;
  summary: string;
  durationMs: number;
  evidence: string[];
  metrics?: Record<string, number>;
}

const tty = process.stdout.isTTY === true;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

function bar(done: number, total: number): string {
  const width = 20;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

function listLabs(labs: Lab[]): void {
  for (const lab of labs) {
    console.log(`${lab.id}  ${lab.title}`);
    for (const step of lab.steps) console.log(`  ${lab.id}/${step.id}  ${step.title}`);
  }
}

function tailOfTerminals(runtime: LabRuntime, lab: string): string[] {
  return runtime.pool.all()
    .filter((terminal) => terminal.key.startsWith(`${lab}/`))
    .flatMap((terminal) => {
      const lines = terminal.textSince(0).trimEnd().split('\n').slice(-25);
      return [`--- 터미널 ${terminal.key} (마지막 ${lines.length}줄) ---`, ...lines];
    });
}

async function run(target: string, from: string | undefined, jsonPath: string | undefined, keep: boolean): Promise<number> {
  const runtime = createLabRuntime(await loadCourse(), { pollIntervalMs: 1000 });
  const labs = target === 'all' ? runtime.labs.filter((lab) => !(keep && lab.id === 'teardown')) : runtime.labs.filter((lab) => lab.id === target);
  if (labs.length === 0) {
    console.error(`'${target}' 실습이 없습니다. npm run lab -- list로 목록을 보세요.`);
    await runtime.dispose();
    return 2;
  }
  if (from && labs.length !== 1) {
    console.error('--from은 실습 하나를 지정할 때만 쓸 수 있습니다.');
    await runtime.dispose();
    return 2;
  }
  const plan = labs.flatMap((lab) => {
    const start = from ? lab.steps.findIndex((s) => s.id === from) : 0;
    return lab.steps.slice(Math.max(0, start)).map((step) => ({ lab, step }));
  });
  if (from && plan.length === labs[0]!.steps.length && labs[0]!.steps[0]!.id !== from) {
    console.error(`'${labs[0]!.id}'에 '${from}' 단계가 없습니다.`);
    await runtime.dispose();
    return 2;
  }

  const startedAt = Date.now();
  const report: ReportStep[] = [];
  let current = '';
  let currentStart = Date.now();
  const ticker = tty
    ? setInterval(() => process.stdout.write(`\r\u001b[2K  ${bar(report.length, plan.length)} ${current} ${((Date.now() - currentStart) / 1000).toFixed(0)}초`), 500)
    : null;
  const stopSignals = () => {
    console.log('\n중단합니다. 실습 터미널을 정리합니다...');
    for (const lab of labs) runtime.engine.cancel(lab.id);
  };
  process.once('SIGINT', stopSignals);

  const record = (state: StepState) => {
    const result = state.result ?? { ok: false, summary: '결과 없음', evidence: [] };
    const entry: ReportStep = { id: `${state.lab}/${state.step}`, ok: result.ok, summary: result.summary, durationMs: state.durationMs ?? 0, evidence: result.evidence };
    if (result.metrics) entry.metrics = result.metrics;
    report.push(entry);
    if (tty) process.stdout.write('\r\u001b[2K');
    console.log(`${mark(result.ok)} ${entry.id} (${(entry.durationMs / 1000).toFixed(1)}초) ${result.summary}`);
    if (!result.ok) for (const line of result.evidence) console.log(`    ${line}`);
  };

  let ok = true;
  try {
    if (from) {
      console.log(`${labs[0]!.id}/${from} 직전까지 따라잡습니다...`);
      const caught = await runtime.engine.catchUp(labs[0]!.id, from);
      for (const state of caught) record(state);
      ok = caught.every((state) => state.status === 'passed');
    }
    for (const { lab, step } of ok ? plan : []) {
      current = `${lab.id}/${step.id} ${step.title}`;
      currentStart = Date.now();
      if (!tty) console.log(`… ${current}`);
      const state = await runtime.engine.run(lab.id, step.id);
      record(state);
      if (state.status !== 'passed') {
        ok = false;
        console.log(`\n실패한 단계: ${lab.id}/${step.id}\n힌트: ${step.hint}\n`);
        for (const line of tailOfTerminals(runtime, lab.id)) console.log(line);
        break;
      }
    }
  } finally {
    if (ticker) clearInterval(ticker);
    process.removeListener('SIGINT', stopSignals);
    await runtime.dispose();
  }

  const durationMs = Date.now() - startedAt;
  const ledger = report.find((s) => s.id === 'failover/verify')?.metrics;
  const passed = report.filter((s) => s.ok).length;
  console.log(`\n${ok ? '통과' : '실패'}: ${passed}/${plan.length}단계, ${(durationMs / 1000).toFixed(1)}초`);
  if (ledger) console.log(`장부: acked ${ledger['acked']}, consumed ${ledger['consumed']}, lost ${ledger['lost']}, duplicated ${ledger['duplicated']}`);
  if (jsonPath) {
    const body = {
      ok,
      target,
      startedAt: new Date(startedAt).toISOString(),
      durationMs,
      steps: report,
      ...(ledger ? { ledger: { acked: ledger['acked'], consumed: ledger['consumed'], lost: ledger['lost'], duplicated: ledger['duplicated'] } } : {}),
    };
    writeFileSync(jsonPath, `${JSON.stringify(body, null, 2)}\n`);
    console.log(`결과를 ${jsonPath}에 썼습니다.`);
  }
  return ok ? 0 : 1;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { from: { type: 'string' }, json: { type: 'string' }, keep: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, target] = parsed.positionals;
  if (parsed.values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'list') {
    const runtime = createLabRuntime(await loadCourse());
    listLabs(runtime.labs);
    await runtime.dispose();
    return 0;
  }
  if (command === 'run' && target) return run(target, parsed.values.from, parsed.values.json, parsed.values.keep);
  console.error(USAGE);
  return 2;
}

try {
  process.exitCode = await main();
} catch (error) {
  // Bad lab files and engine errors are meant for people: print the message, not a stack.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
