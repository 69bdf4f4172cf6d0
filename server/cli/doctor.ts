// `npm run doctor`: the preflight an instructor runs on every laptop before a workshop.
// Prints a table (or JSON with --json) and exits 1 when any check fails, so it can gate
// scripts too. What it checks (ports, images, container names, memory) comes from every
// chapter's manifest, plus the lines chapter plug-ins add.
import { parseArgs } from 'node:util';
import { preflightCourse } from '../../chapters/index.ts';
import { loadCourse } from '../../chapters/plugins.ts';
import { formatReport } from '../preflight/format.ts';
import { runPreflight } from '../preflight/run.ts';

const USAGE = `사용법: npm run doctor [-- --json]

  --json   결과를 JSON { ok, results[], durationMs } 으로 출력합니다
  --help   이 도움말을 보여 줍니다

실패 항목이 하나라도 있으면 종료 코드 1로 끝납니다.`;

function wantsColour(): boolean {
  const noColour = process.env['NO_COLOR'];
  return process.stdout.isTTY === true && (noColour === undefined || noColour === '') && process.env['TERM'] !== 'dumb';
}

async function main(): Promise<number> {
  let flags: { json: boolean; help: boolean };
  try {
    const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
    flags = { json: values.json, help: values.help };
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { chapters, preflight } = await loadCourse();
  const report = await runPreflight({ course: preflightCourse(chapters, preflight) });
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report, { color: wantsColour() })}\n`);
  return report.ok ? 0 : 1;
}

// exitCode instead of process.exit(): let stdout drain when it is a pipe.
process.exitCode = await main();
