// `node bench/jvm-headroom.ts [name-filter]`: heap and memory headroom of every JVM running in
// a container on this machine, read from outside so the measurement adds nothing to the
// container it measures (issue 20: a JVM tool exec'd into a 512M broker is itself the risk).
// For each java process: RSS from /proc, heap and metaspace from its hsperfdata file (what
// jstat reads), copied out and read by `jstat -gc file:///...` in a throwaway container of
// the Kafka image; the container's limit and use from Docker. Linux host, root only (it reads
// /proc/<pid>/root); on Docker Desktop use `docker exec ... jcmd` instead. Writes
// bench/jvm-headroom.json (gitignored) and prints a table.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../server/paths.ts';

const run = promisify(execFile);
const IMAGE = process.env['KAFKA_IMAGE'] ?? 'upbit-lab/kafka:4.4.0';
const OUT = join(REPO_ROOT, 'bench', 'jvm-headroom.json');

interface Row {
  container: string;
  process: string;
  maxHeapMiB: number | null;
  heapUsedMiB: number | null;
  heapCommittedMiB: number | null;
  metaspaceMiB: number | null;
  rssMiB: number | null;
  containerLimitMiB: number | null;
  containerUseMiB: number | null;
  heapHeadroomMiB: number | null;
  containerHeadroomMiB: number | null;
}

const mib = (kib: number) => Math.round(kib / 1024);

async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
}

function heapFlag(args: string, flag: 'Xmx'): number | null {
  const matches = [...args.matchAll(new RegExp(`-${flag}(\\d+)([kmgKMG])?\\b`, 'g'))];
  const last = matches.at(-1);
  if (!last) return null;
  const unit = (last[2] ?? 'b').toLowerCase();
  const value = Number(last[1]);
  return Math.round(unit === 'g' ? value * 1024 : unit === 'm' ? value : unit === 'k' ? value / 1024 : value / 1024 / 1024);
}

async function main(): Promise<void> {
  const filter = process.argv[2] ?? '';
  const names = (await docker('ps', '--format', '{{.Names}}')).split('\n').filter((n) => n && n.includes(filter));
  const stats = new Map((await docker('stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}', ...names).catch(() => '')).split('\n').filter(Boolean).map((line) => {
    const [name, use] = line.split('\t');
    const m = /([\d.]+)([KMG]i?B)/.exec(use ?? '');
    const factor = m?.[2]?.startsWith('G') ? 1024 : m?.[2]?.startsWith('K') ? 1 / 1024 : 1;
    return [name ?? '', m ? Math.round(Number(m[1]) * factor) : null] as const;
  }));
  const work = mkdtempSync(join(tmpdir(), 'jvm-headroom-'));
  // The reader runs as the image's non-root user.
  chmodSync(work, 0o755);
  const found: Array<{ row: Row; perf: string | null; args: string }> = [];
  try {
    for (const name of names) {
      const limit = Number((await docker('inspect', '-f', '{{.HostConfig.Memory}}', name)).trim());
      const top = await docker('top', name, '-eo', 'pid,args').catch(() => '');
      for (const line of top.split('\n').slice(1)) {
        const match = /^\s*(\d+)\s+(.*)$/.exec(line);
        if (!match || !/\bjava\b/.test(match[2]!.split(' ')[0] ?? '')) continue;
        const pid = match[1]!;
        const args = match[2]!;
        const status = existsSync(`/proc/${pid}/status`) ? readFileSync(`/proc/${pid}/status`, 'utf8') : '';
        const rss = /VmRSS:\s+(\d+)/.exec(status);
        const nspid = /NSpid:\s+([\d\s]+)/.exec(status)?.[1]?.trim().split(/\s+/).at(-1);
        const words = args.split(' ');
        const jar = words.indexOf('-jar');
        const mainClass = jar >= 0 ? (words[jar + 1] ?? '?').split('/').at(-1)! : words.find((a, i) => i > 0 && !a.startsWith('-') && words[i - 1] !== '-cp' && words[i - 1] !== '-classpath') ?? '?';
        let perf: string | null = null;
        const root = `/proc/${pid}/root/tmp`;
        for (const dir of existsSync(root) ? readdirSync(root).filter((d) => d.startsWith('hsperfdata_')) : []) {
          const file = join(root, dir, nspid ?? '');
          if (nspid && existsSync(file)) {
            perf = join(work, `${name}-${pid}`);
            copyFileSync(file, perf);
            chmodSync(perf, 0o644);
          }
        }
        found.push({
          perf, args,
          row: {
            container: name, process: mainClass.split('.').at(-1) ?? mainClass, maxHeapMiB: heapFlag(args, 'Xmx'),
            heapUsedMiB: null, heapCommittedMiB: null, metaspaceMiB: null, rssMiB: rss ? mib(Number(rss[1])) : null,
            containerLimitMiB: limit > 0 ? Math.round(limit / 1024 / 1024) : null, containerUseMiB: stats.get(name) ?? null,
            heapHeadroomMiB: null, containerHeadroomMiB: null,
          },
        });
      }
    }
    const files = found.flatMap((f) => (f.perf ? [f.perf.split('/').at(-1)!] : []));
    if (files.length > 0) {
      // One throwaway JVM reads every copied file: -gc for use, -gccapacity for the max heap.
      const script = files.map((f) => `echo "@@${f}"; java -Xmx32m -XX:TieredStopAtLevel=1 -m jdk.jcmd/sun.tools.jstat.Jstat -gc file:///perf/${f}; java -Xmx32m -XX:TieredStopAtLevel=1 -m jdk.jcmd/sun.tools.jstat.Jstat -gccapacity file:///perf/${f}`).join('; ') + '; true';
      const out = await docker('run', '--rm', '--network', 'none', '-v', `${work}:/perf:ro`, '--entrypoint', 'bash', IMAGE, '-c', script);
      for (const block of out.split('@@').slice(1)) {
        const [file, ...lines] = block.trim().split('\n');
        const entry = found.find((f) => f.perf?.endsWith(`/${file}`));
        if (!entry) continue;
        const table = (header: string | undefined, values: string | undefined) => {
          const keys = (header ?? '').trim().split(/\s+/);
          const nums = (values ?? '').trim().split(/\s+/).map(Number);
          return Object.fromEntries(keys.map((k, i) => [k, nums[i] ?? Number.NaN]));
        };
        const gc = table(lines[0], lines[1]);
        const cap = table(lines[2], lines[3]);
        const used = (gc['S0U'] ?? 0) + (gc['S1U'] ?? 0) + (gc['EU'] ?? 0) + (gc['OU'] ?? 0);
        const committed = (gc['S0C'] ?? 0) + (gc['S1C'] ?? 0) + (gc['EC'] ?? 0) + (gc['OC'] ?? 0);
        entry.row.heapUsedMiB = Number.isFinite(used) ? mib(used) : null;
        entry.row.heapCommittedMiB = Number.isFinite(committed) ? mib(committed) : null;
        entry.row.metaspaceMiB = Number.isFinite(gc['MU'] ?? Number.NaN) ? mib(gc['MU']!) : null;
        // G1 reports the whole heap's maximum as the old generation's.
        if (entry.row.maxHeapMiB === null && Number.isFinite(cap['OGCMX'] ?? Number.NaN)) entry.row.maxHeapMiB = mib(cap['OGCMX']!);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const rows = found.map(({ row }) => ({
    ...row,
    heapHeadroomMiB: row.maxHeapMiB !== null && row.heapUsedMiB !== null ? row.maxHeapMiB - row.heapUsedMiB : null,
    containerHeadroomMiB: row.containerLimitMiB !== null && row.containerUseMiB !== null ? row.containerLimitMiB - row.containerUseMiB : null,
  }));
  const previous = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as unknown[]) : [];
  writeFileSync(OUT, `${JSON.stringify([...previous, { at: new Date().toISOString(), method: 'heap used = S0U+S1U+EU+OU of jstat -gc on a copy of the JVM hsperfdata (includes garbage not yet collected); max heap from -Xmx or jstat -gccapacity OGCMX; RSS = VmRSS; container use = docker stats MemUsage (cgroup, includes page cache)', rows }], null, 2)}\n`);
  const pad = (v: unknown, n: number) => String(v ?? '-').padStart(n);
  console.log(`${'container'.padEnd(22)}${'process'.padEnd(26)}${pad('Xmx', 6)}${pad('used', 6)}${pad('commit', 7)}${pad('meta', 6)}${pad('RSS', 6)}${pad('limit', 7)}${pad('cg use', 8)}${pad('heap free', 10)}${pad('cg free', 9)}  (MiB)`);
  for (const r of rows) {
    console.log(`${r.container.padEnd(22)}${r.process.slice(0, 25).padEnd(26)}${pad(r.maxHeapMiB, 6)}${pad(r.heapUsedMiB, 6)}${pad(r.heapCommittedMiB, 7)}${pad(r.metaspaceMiB, 6)}${pad(r.rssMiB, 6)}${pad(r.containerLimitMiB, 7)}${pad(r.containerUseMiB, 8)}${pad(r.heapHeadroomMiB, 10)}${pad(r.containerHeadroomMiB, 9)}`);
  }
}

await main();
