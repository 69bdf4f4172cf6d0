// `npm run class -- host [--bind ADDR] [--port N]`: the instructor's class server. It listens
// on 127.0.0.1 unless the instructor names a LAN address with --bind (the only listener in the
// course that may leave loopback, and only when asked), prints the join code for attendees
// and the instructor's own address, and runs until Ctrl-C. A wiring point: it loads the
// course's lab files so the host knows which steps exist.
import { networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { CHAPTERS_DIR, COURSE } from '../../chapters/index.ts';
import { loadCourseLabs } from '../labs.ts';
import { startClassHost, type StepInfo } from '../class/host.ts';
import { MAX_ATTENDEES } from '../class/protocol.ts';

const USAGE = `사용법: npm run class -- host [--bind 주소] [--port 번호]

  --bind   수업 서버가 들을 주소. 기본 127.0.0.1 (이 컴퓨터만). 참가자 노트북이 닿도록
           하려면 강사 노트북의 LAN 주소를 주세요 (예: --bind 192.168.0.10)
  --port   포트, 기본 4900

참가자는 npm start -- --class <주소:포트> <참가 코드> --name <이름> 으로 참가합니다.`;

function lanAddresses(): string[] {
  return Object.values(networkInterfaces()).flat()
    .filter((info) => info !== undefined && info.family === 'IPv4' && !info.internal)
    .map((info) => info!.address);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { bind: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '4900' }, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals[0] !== 'host' || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port ${values.port}: 0~65535 사이 숫자를 주세요.\n`);
    return 2;
  }
  // The lab files only, not the chapters' plug-ins: the host needs step ids and titles, and
  // never loads a check, a Docker client or a chapter's service library.
  const labs = loadCourseLabs(CHAPTERS_DIR, COURSE);
  const steps: StepInfo[] = labs.flatMap((lab) => lab.steps.map((step) => ({ lab: lab.id, step: step.id, labTitle: lab.title, title: step.title })));
  const host = await startClassHost({ bind: values.bind, port, steps, log: (line) => console.log(`[수업 서버] ${line}`) });

  const loopbackOnly = values.bind === '127.0.0.1' || values.bind === '::1' || values.bind === 'localhost';
  console.log('');
  console.log(`수업 서버가 ${host.address}에서 열렸습니다 (정원 ${MAX_ATTENDEES}명).`);
  if (loopbackOnly) {
    const lan = lanAddresses();
    console.log(`지금은 이 컴퓨터에서만 닿습니다. 참가자 노트북이 닿게 하려면 LAN 주소로 다시 여세요: ${lan.length ? lan.map((a) => `--bind ${a}`).join(' 또는 ') : '--bind <LAN 주소>'}`);
  }
  console.log('');
  console.log(`  참가 코드: ${host.code}`);
  console.log('');
  console.log('참가자가 입력할 명령:');
  console.log(`  npm start -- --class ${host.address} ${host.code} --name <이름>`);
  console.log('');
  console.log('강사 화면 (키가 들어 있으니 화면 공유·프로젝터에 띄우기 전에 주소창을 가리세요):');
  console.log(`  ${host.instructorUrl}`);
  console.log('');
  console.log('끄려면 Ctrl-C.');

  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('\n수업 서버를 끕니다.');
  await host.close();
  return 0;
}

process.exitCode = await main();
