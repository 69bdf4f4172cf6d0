// `npm run workshop:bundle` and `npm run workshop:install <archive>`: the offline classroom.
// bundle (instructor, online, with the images built): docker save of every image the course's
// compose services use, an npm cache filled from package-lock.json, the built site and a
// manifest, as one tar plus a sha256 sidecar. install (attendee, no network, fresh clone,
// before npm install): checks the sha256, loads the images, `npm ci --offline` from the
// bundle's cache, puts the site in dist/, points compose/.env at the loaded images and runs
// the doctor. The install path imports Node built-ins only (no node_modules exist yet).
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checksumLine, IMAGES_FILE, MANIFEST_FILE, mergeEnv, NPM_CACHE_DIR, parseChecksum, parseManifest, sha256File, SITE_DIR_NAME, type BundleManifest,
} from '../workshop/archive.ts';
import { takeArchFlag, type ImageArch } from './arch-flag.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const USAGE = `사용법:
  npm run workshop:bundle [-- --out 폴더] [--arch arm64]   (강사, 인터넷과 이미지가 있는 컴퓨터;
                                                         --arch arm64: M1/M2 Mac용, 먼저 npm run images -- --arch arm64)
  npm run workshop:install -- <번들.tar>         (참가자, 새로 받은 저장소에서 npm install 대신)`;

function run(command: string, args: string[], options: SpawnSyncOptions = {}): void {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: REPO_ROOT, ...options });
  if (result.error) throw new Error(`${command} 실행 실패: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.slice(0, 2).join(' ')} 가 종료 코드 ${result.status}로 끝났습니다.`);
}

function output(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: REPO_ROOT });
  return result.status === 0 ? result.stdout.trim() : '';
}

const npmCli = (): string => {
  // The npm that came with this Node, not whatever `npm` is first on PATH.
  const besideNode = join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return existsSync(besideNode) ? besideNode : 'npm';
};
const npm = (args: string[], options: SpawnSyncOptions = {}): void => {
  const cli = npmCli();
  if (cli === 'npm') run('npm', args, options);
  else run(process.execPath, [cli, ...args], options);
};

/**
 * node-gyp (compiling node-pty on Linux) downloads Node's headers unless told where they are;
 * offline that fails. Most Node installs ship them in <prefix>/include/node: point at those.
 */
function offlineBuildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const prefix = resolve(process.execPath, '..', '..');
  if (!env['npm_config_nodedir'] && existsSync(join(prefix, 'include', 'node', 'node.h'))) env['npm_config_nodedir'] = prefix;
  return env;
}

/**
 * The tag each image has on this machine: its own name for the engine's architecture, the
 * name plus `-<arch>` for a cross-built one (npm run images -- --arch arm64), which the
 * attendee's install puts back under its own name.
 */
function localTag(tag: string, arch: string, engineArch: string): string {
  return arch === engineArch ? tag : `${tag}-${arch}`;
}

async function bundle(outDir: string, requestedArch: ImageArch | undefined): Promise<void> {
  const started = performance.now();
  const { COURSE } = await import('../../chapters/index.ts');
  const engineArch = output('docker', ['version', '--format', '{{.Server.Arch}}']);
  if (!engineArch) throw new Error('Docker 엔진에 연결할 수 없습니다. Docker를 켠 뒤 다시 실행하세요.');
  const arch = requestedArch ?? engineArch;
  const platform = `linux/${arch}`;
  const images = new Map<string, { variable: string | undefined; saved: string }>();
  for (const chapter of COURSE) {
    for (const service of chapter.services) {
      if (service.role === 'optional') continue;
      const tag = service.image.offline ?? service.image.fallback;
      images.set(tag, { variable: service.image.variable, saved: localTag(tag, arch, engineArch) });
    }
  }
  const saved = [...images.values()].map((image) => image.saved);
  const missing = saved.filter((tag) => output('docker', ['image', 'inspect', '--format', '{{.Id}}', tag]) === '');
  const buildHint = arch === engineArch ? 'npm run images' : `npm run images -- --arch ${arch}`;
  if (missing.length) throw new Error(`이 컴퓨터에 없는 이미지가 있습니다: ${missing.join(', ')}. 먼저 ${buildHint}로 만드세요.`);
  const wrongArch = saved.filter((tag) => output('docker', ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', tag]) !== platform);
  if (wrongArch.length) throw new Error(`${platform}용이 아닌 이미지가 있습니다: ${wrongArch.join(', ')}. ${buildHint}로 다시 만드세요.`);
  if (!existsSync(join(REPO_ROOT, 'dist', 'index.html'))) throw new Error('dist/가 없습니다. 먼저 npm run build를 실행하세요.');

  const stage = mkdtempSync(join(tmpdir(), 'upbit-workshop-bundle-'));
  try {
    console.log(`이미지 ${images.size}개를 저장합니다 (docker save)...`);
    run('docker', ['save', '-o', join(stage, IMAGES_FILE), ...saved]);
    console.log('npm 의존성을 오프라인 캐시로 모읍니다...');
    const scratch = join(stage, 'npm-scratch');
    mkdirSync(scratch);
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(scratch, file));
    // --ignore-scripts: only the cache is wanted here; the attendee's install compiles node-pty for its own machine.
    npm(['ci', '--cache', join(stage, NPM_CACHE_DIR), '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: scratch });
    rmSync(scratch, { recursive: true, force: true });
    cpSync(join(REPO_ROOT, 'dist'), join(stage, SITE_DIR_NAME), { recursive: true });
    const manifest: BundleManifest = {
      format: 1, createdAt: new Date().toISOString(), platform, node: process.version,
      commit: output('git', ['rev-parse', 'HEAD']),
      images: [...images].map(([tag, image]) => ({ tag, ...(image.variable ? { variable: image.variable } : {}), ...(image.saved !== tag ? { saved: image.saved } : {}) })),
    };
    writeFileSync(join(stage, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    mkdirSync(outDir, { recursive: true });
    const name = `upbit-workshop-${platform.replace('/', '-')}-${manifest.createdAt.slice(0, 10)}.tar`;
    const archive = join(outDir, name);
    console.log('하나의 파일로 묶습니다...');
    run('tar', ['-cf', archive, '-C', stage, MANIFEST_FILE, IMAGES_FILE, NPM_CACHE_DIR, SITE_DIR_NAME]);
    const hex = await sha256File(archive);
    writeFileSync(`${archive}.sha256`, checksumLine(hex, name));
    const size = statSync(archive).size;
    console.log(`\n번들: ${archive} (${(size / 1024 ** 3).toFixed(2)} GiB, ${platform}, ${((performance.now() - started) / 1000).toFixed(0)}초)`);
    console.log(`sha256: ${hex} (${basename(archive)}.sha256)`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

async function install(archive: string): Promise<void> {
  const started = performance.now();
  const sidecar = `${archive}.sha256`;
  if (!existsSync(archive)) throw new Error(`번들 파일이 없습니다: ${archive}`);
  if (!existsSync(sidecar)) throw new Error(`체크섬 파일이 없습니다: ${sidecar}. 번들과 함께 받은 .sha256 파일을 같은 폴더에 두세요.`);
  console.log('번들의 sha256을 확인합니다...');
  const expected = parseChecksum(readFileSync(sidecar, 'utf8'));
  const actual = await sha256File(archive);
  if (expected === null || expected !== actual) throw new Error('번들의 sha256이 맞지 않습니다. 파일이 깨졌거나 바뀌었습니다. 강사에게 다시 받으세요.');
  const stage = mkdtempSync(join(tmpdir(), 'upbit-workshop-install-'));
  try {
    run('tar', ['-xf', resolve(archive), '-C', stage]);
    const manifest = parseManifest(readFileSync(join(stage, MANIFEST_FILE), 'utf8'));
    const here = output('docker', ['version', '--format', '{{.Server.Os}}/{{.Server.Arch}}']);
    if (here && here !== manifest.platform) throw new Error(`이 번들은 ${manifest.platform}용인데 이 컴퓨터의 Docker는 ${here}입니다. 맞는 번들을 받으세요.`);
    console.log(`이미지 ${manifest.images.length}개를 불러옵니다 (docker load)...`);
    run('docker', ['load', '-i', join(stage, IMAGES_FILE)]);
    // A bundle made on another architecture carries its images as <name>-<arch>: give them the
    // names compose uses, and drop the extra name.
    for (const image of manifest.images) {
      if (!image.saved) continue;
      run('docker', ['tag', image.saved, image.tag]);
      run('docker', ['image', 'rm', image.saved], { stdio: 'ignore' });
    }
    console.log('npm 의존성을 번들의 캐시에서 설치합니다 (네트워크 없이)...');
    npm(['ci', '--offline', '--cache', join(stage, NPM_CACHE_DIR), '--no-audit', '--no-fund'], { env: offlineBuildEnv() });
    rmSync(join(REPO_ROOT, 'dist'), { recursive: true, force: true });
    cpSync(join(stage, SITE_DIR_NAME), join(REPO_ROOT, 'dist'), { recursive: true });
    const envFile = join(REPO_ROOT, 'compose', '.env');
    const vars = Object.fromEntries(manifest.images.filter((image) => image.variable).map((image) => [image.variable!, image.tag]));
    writeFileSync(envFile, mergeEnv(existsSync(envFile) ? readFileSync(envFile, 'utf8') : '', vars));
    // What `npm run images` would have prepared on this laptop besides the images (chapter 4's
    // object-store keys): node_modules exist now, so the chapters' manifests can be read.
    const setup = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'run.cjs'), 'server/cli/setup.ts'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (setup.status !== 0) throw new Error('장별 준비(npm run images의 키 만들기 등)가 실패했습니다. 위의 메시지를 보고 고친 뒤 node scripts/run.cjs server/cli/setup.ts로 다시 실행하세요.');
    console.log(`설치가 끝났습니다 (${((performance.now() - started) / 1000).toFixed(0)}초). 노트북을 점검합니다...\n`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  const doctor = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'run.cjs'), 'server/cli/doctor.ts'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (doctor.status !== 0) throw new Error('점검(doctor)에서 실패한 항목이 있습니다. 위의 안내대로 고친 뒤 npm run doctor로 다시 확인하세요.');
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  try {
    if (command === 'bundle') {
      const { arch, rest: options } = takeArchFlag(rest);
      const outIndex = options.indexOf('--out');
      await bundle(resolve(outIndex >= 0 && options[outIndex + 1] ? options[outIndex + 1]! : join(REPO_ROOT, 'workshop-bundle')), arch);
      return 0;
    }
    if (command === 'install' && rest.length === 1) {
      await install(resolve(process.env['INIT_CWD'] ?? process.cwd(), rest[0]!));
      return 0;
    }
  } catch (error) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.error(USAGE);
  return 2;
}

process.exitCode = await main();
