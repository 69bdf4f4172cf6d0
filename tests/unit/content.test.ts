// Guards the Korean chapters (src/content/docs/*.mdx) against the ways content silently rots:
// a source section dropped from chapter 2, a <LabStep> naming a step that no longer exists (or
// a step nobody teaches), prose copied verbatim from the seed chapter, and links or figures
// pointing at files that are not there. It reads files only; no build, no cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { courseLabs as loadLabs } from '../../chapters/index.ts';
import { findStep } from '../../server/labs.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CONTENT_DIR = join(ROOT, 'src/content');
const DOCS_DIR = join(CONTENT_DIR, 'docs');
const DIAGRAMS_DIR = join(ROOT, 'src/assets/diagrams');
const CHAPTER_2 = join(DOCS_DIR, '02-kafka-kraft.mdx');
// The seed lives outside the repository; the check is skipped where it is not mounted.
const SEED_FILE = process.env['UPBIT_SEED_FILE'] ?? '/work/shared/seed/000_71bb78880e80d1af.txt';
const VERBATIM_WINDOW = 40;
const HANGUL = /[\uAC00-\uD7A3]/;

/**
 * Every section of the seed chapter, and the heading of chapter 2 that now covers it. The
 * extra rows at the end are sections the course adds (labs and corrections the seed lacks).
 */
const REQUIRED_HEADINGS: ReadonlyArray<{ source: string; heading: string }> = [
  { source: 'Apache Kafka란? / 개요', heading: 'Kafka란 무엇인가' },
  { source: '핵심 개념', heading: '핵심 용어' },
  { source: '왜 Kafka를 사용하나?', heading: '왜 Kafka인가' },
  { source: 'Zookeeper vs KRaft 모드', heading: 'ZooKeeper에서 KRaft로' },
  { source: '기존 방식: Zookeeper', heading: 'ZooKeeper 시절의 구조' },
  { source: '새로운 방식: KRaft 모드', heading: 'KRaft: 메타데이터를 Kafka 안으로' },
  { source: 'KRaft의 장점 (비교표)', heading: '두 방식 비교' },
  { source: 'Docker Compose 설정', heading: 'Compose 파일 읽기' },
  { source: '전체 구성', heading: '전체 구조' },
  { source: '1. KAFKA_PROCESS_ROLES', heading: '노드 역할: KAFKA_PROCESS_ROLES' },
  { source: '2. 리스너 구성', heading: '리스너 세 개' },
  { source: '3. Controller Quorum Voters', heading: '컨트롤러 쿼럼과 과반' },
  { source: '4. 복제 및 안정성 설정', heading: '복제와 min ISR' },
  { source: '클러스터 시작하기', heading: '클러스터 띄우기' },
  { source: '1. 시작', heading: '세 노드 시작과 상태 확인' },
  { source: '2. 로그 확인', heading: '로그 확인' },
  { source: '3. Kafka UI 접속', heading: 'Kafka UI' },
  { source: '클러스터 테스트 / 1. 토픽 생성 / 2. 토픽 확인', heading: '토픽 만들고 살펴보기' },
  { source: '3. 메시지 테스트', heading: '콘솔 프로듀서와 컨슈머' },
  { source: 'Python 클라이언트 예제', heading: 'TypeScript 클라이언트' },
  { source: 'Python 클라이언트 예제 / Producer', heading: '프로듀서: acks=all과 멱등성' },
  { source: 'Python 클라이언트 예제 / Consumer', heading: '컨슈머 그룹' },
  { source: 'Python 클라이언트 예제 / 설치', heading: 'Python을 쓴다면' },
  { source: '문제 해결', heading: '문제 해결' },
  { source: '브로커가 시작되지 않을 때', heading: '브로커가 시작되지 않을 때: CLUSTER_ID 불일치' },
  { source: '외부에서 연결 안 될 때', heading: '호스트에서 접속이 안 될 때: advertised listener' },
  { source: '메모리 부족 시', heading: '메모리가 모자랄 때' },
  { source: '다음 단계', heading: '정리와 다음 단계' },
  { source: '(추가) 포트 공개 범위', heading: '포트는 127.0.0.1에만' },
  { source: '(추가) 이미지 고정과 오프라인 이미지', heading: '이미지 준비' },
  { source: '(추가) 쿼럼 상태', heading: '쿼럼 확인' },
  { source: '(추가) 장애 조치', heading: '장애 조치' },
  { source: '(추가) 한 대 정지', heading: '한 대가 멈췄을 때' },
  { source: '(추가) 두 대 정지', heading: '두 대가 멈췄을 때' },
];

function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const mdxFiles = listFiles(CONTENT_DIR, '.mdx');
const where = (file: string): string => relative(ROOT, file);

/** The MDX body with fenced code blocks blanked out (line count kept, so line numbers stay true). */
function proseOf(text: string): string {
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

function splitFrontmatter(text: string): { data: unknown; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!match) return { data: undefined, body: text };
  return { data: parseYaml(match[1] ?? ''), body: text.slice(match[0].length) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

test('every chapter has frontmatter Starlight can render', () => {
  assert.ok(mdxFiles.length > 0, 'src/content 아래에 .mdx 파일이 없습니다');
  for (const file of mdxFiles) {
    const { data } = splitFrontmatter(readFileSync(file, 'utf8'));
    assert.ok(isRecord(data), `${where(file)}: frontmatter가 없습니다`);
    assert.equal(typeof data['title'], 'string', `${where(file)}: title이 없습니다`);
    assert.equal(typeof data['description'], 'string', `${where(file)}: description이 없습니다`);
    if (/\/\d\d-[^/]+\.mdx$/.test(file)) {
      const sidebar = data['sidebar'];
      assert.ok(isRecord(sidebar) && typeof sidebar['order'] === 'number', `${where(file)}: sidebar.order가 없습니다`);
    }
  }
});

test('chapter 2 has a heading for every section of the source chapter', () => {
  const headings = new Set(
    proseOf(readFileSync(CHAPTER_2, 'utf8'))
      .split('\n')
      .map((line) => /^#{2,3}\s+(.+?)\s*$/.exec(line)?.[1])
      .filter((heading): heading is string => heading !== undefined),
  );
  const missing = REQUIRED_HEADINGS.filter(({ heading }) => !headings.has(heading));
  assert.deepEqual(
    missing.map(({ source, heading }) => `${source} → "${heading}"`),
    [],
    '02-kafka-kraft.mdx에 빠진 절이 있습니다',
  );
});

test('every <Lab>/<LabStep> names a real lab and step, and every step is taught exactly once, in order', () => {
  const labs = loadLabs();
  const stepSeen = new Map<string, string[]>();
  const labSeen = new Map<string, string[]>();

  for (const file of mdxFiles) {
    const prose = proseOf(readFileSync(file, 'utf8'));
    const usesLab = /<Lab\b/.test(prose);
    const usesStep = /<LabStep\b/.test(prose);
    if (usesLab) assert.match(prose, /^import Lab from '\.\.\/\.\.\/components\/Lab\.astro';$/m, `${where(file)}: Lab import가 없습니다`);
    if (usesStep) assert.match(prose, /^import LabStep from '\.\.\/\.\.\/components\/LabStep\.astro';$/m, `${where(file)}: LabStep import가 없습니다`);

    // Components in the order they appear, so "<Lab> before its first step" and step order can be checked.
    const tags = [...prose.matchAll(/<(Lab|LabStep)\b[^>]*>/g)];
    const firstStepIndexOfLab = new Map<string, number>();
    const labTagIndex = new Map<string, number>();
    const stepOrder = new Map<string, number[]>();
    for (const [position, tag] of tags.entries()) {
      const text = tag[0];
      if (tag[1] === 'Lab') {
        const id = /^<Lab\s+id="([a-z0-9-]+)"\s*\/>$/.exec(text)?.[1];
        assert.ok(id, `${where(file)}: <Lab> 형식이 올바르지 않습니다: ${text}`);
        assert.ok(labs.some((lab) => lab.id === id), `${where(file)}: ${text} — labs/${id}.yaml이 없습니다`);
        labSeen.set(id, [...(labSeen.get(id) ?? []), where(file)]);
        labTagIndex.set(id, position);
        continue;
      }
      const match = /^<LabStep\s+lab="([a-z0-9-]+)"\s+step="([a-z0-9-]+)"\s*\/>$/.exec(text);
      assert.ok(match, `${where(file)}: <LabStep> 형식이 올바르지 않습니다: ${text}`);
      const [, labId = '', stepId = ''] = match;
      const found = findStep(labs, labId, stepId);
      assert.ok(found, `${where(file)}: ${text} — 그런 lab/step이 없습니다`);
      const key = `${labId}/${stepId}`;
      stepSeen.set(key, [...(stepSeen.get(key) ?? []), where(file)]);
      if (!firstStepIndexOfLab.has(labId)) firstStepIndexOfLab.set(labId, position);
      stepOrder.set(labId, [...(stepOrder.get(labId) ?? []), found.index]);
    }
    for (const [labId, firstStep] of firstStepIndexOfLab) {
      const labIndex = labTagIndex.get(labId);
      assert.ok(labIndex !== undefined && labIndex < firstStep, `${where(file)}: <Lab id="${labId}" />가 첫 <LabStep>보다 먼저 나와야 합니다`);
    }
    for (const [labId, order] of stepOrder) {
      const sorted = [...order].sort((a, b) => a - b);
      assert.deepEqual(order, sorted, `${where(file)}: ${labId}의 단계가 labs/${labId}.yaml과 다른 순서로 나옵니다`);
    }
  }

  for (const lab of labs) {
    assert.equal(labSeen.get(lab.id)?.length ?? 0, 1, `<Lab id="${lab.id}" />는 정확히 한 번 나와야 합니다 (${(labSeen.get(lab.id) ?? []).join(', ') || '없음'})`);
    for (const step of lab.steps) {
      const key = `${lab.id}/${step.id}`;
      const seenIn = stepSeen.get(key) ?? [];
      assert.equal(seenIn.length, 1, `<LabStep lab="${lab.id}" step="${step.id}" />는 정확히 한 번 나와야 합니다 (${seenIn.join(', ') || '없음'})`);
    }
  }
});

/** Two views of a text: whitespace-collapsed, and additionally stripped of Markdown punctuation. */
function comparableForms(text: string): string[] {
  const collapsed = text.replace(/\s+/g, ' ');
  const stripped = text.replace(/[*_`#>|\\]/g, '').replace(/\s+/g, ' ');
  return [collapsed, stripped];
}

function hangulWindows(text: string): Set<string> {
  const windows = new Set<string>();
  for (let start = 0; start + VERBATIM_WINDOW <= text.length; start++) {
    const window = text.slice(start, start + VERBATIM_WINDOW);
    if (HANGUL.test(window)) windows.add(window);
  }
  return windows;
}

test('no 40-character run of Korean prose is copied verbatim from the seed chapter', { skip: !existsSync(SEED_FILE) && `시드 파일이 없습니다: ${SEED_FILE}` }, () => {
  const seedForms = comparableForms(readFileSync(SEED_FILE, 'utf8'));
  const seedWindows = seedForms.map(hangulWindows);
  const copies: string[] = [];
  for (const file of mdxFiles) {
    const forms = comparableForms(readFileSync(file, 'utf8'));
    for (const [formIndex, form] of forms.entries()) {
      const seen = seedWindows[formIndex] ?? new Set<string>();
      for (let start = 0; start + VERBATIM_WINDOW <= form.length; start++) {
        const window = form.slice(start, start + VERBATIM_WINDOW);
        if (HANGUL.test(window) && seen.has(window)) {
          copies.push(`${where(file)}: "${window}"`);
          break; // one report per file and form is enough to find the passage
        }
      }
    }
  }
  assert.deepEqual(copies, [], '시드 원문과 40자 이상 똑같은 문장이 있습니다. 새로 써 주세요');
});

/** `/02-kafka-kraft/#anchor` → the content file that renders that route, if any. */
function pageFileFor(link: string): string | undefined {
  const path = link.replace(/[?#].*$/, '').replace(/^\/+|\/+$/g, '');
  const base = path === '' ? 'index' : path;
  const candidates = [`${base}.mdx`, `${base}.md`, `${base}/index.mdx`, `${base}/index.md`].map((name) => join(DOCS_DIR, name));
  return candidates.find((candidate) => existsSync(candidate));
}

test('internal links and relative image paths resolve to files', () => {
  const broken: string[] = [];
  for (const file of mdxFiles) {
    const text = readFileSync(file, 'utf8');
    const { data } = splitFrontmatter(text);
    const prose = proseOf(text);
    const links = [...prose.matchAll(/\]\((\/[^)\s]*)\)/g)].map((match) => match[1] ?? '');
    // Starlight's splash hero buttons are links too.
    const hero = isRecord(data) ? data['hero'] : undefined;
    const actions = isRecord(hero) && Array.isArray(hero['actions']) ? hero['actions'] : [];
    for (const action of actions) {
      if (isRecord(action) && typeof action['link'] === 'string' && action['link'].startsWith('/')) links.push(action['link']);
    }
    for (const link of links) {
      if (!pageFileFor(link)) broken.push(`${where(file)}: 링크 ${link}`);
    }
    for (const match of prose.matchAll(/!\[[^\]]*\]\((\.{1,2}\/[^)\s]+)\)/g)) {
      const target = resolve(dirname(file), match[1] ?? '');
      if (!existsSync(target)) broken.push(`${where(file)}: 이미지 ${match[1]}`);
    }
  }
  assert.deepEqual(broken, [], '가리키는 파일이 없는 링크나 이미지가 있습니다');
});

test('every diagram is accessible, theme-proof and used by a chapter', () => {
  const diagrams = listFiles(DIAGRAMS_DIR, '.svg');
  const allProse = mdxFiles.map((file) => proseOf(readFileSync(file, 'utf8'))).join('\n');
  for (const file of diagrams) {
    const svg = readFileSync(file, 'utf8');
    const name = where(file);
    assert.match(svg, /<svg[^>]*\sviewBox="[\d.\s-]+"/, `${name}: viewBox가 없습니다`);
    assert.match(svg, /<svg[^>]*\srole="img"/, `${name}: role="img"가 없습니다`);
    assert.match(svg, /<title[^>]*>[^<]*[\uAC00-\uD7A3][^<]*<\/title>/, `${name}: 한국어 <title>이 없습니다`);
    assert.match(svg, /<desc[^>]*>[^<]*[\uAC00-\uD7A3][^<]*<\/desc>/, `${name}: 한국어 <desc>가 없습니다`);
    // Rendered through <img>, the SVG cannot see the page theme, so it must carry its own dark palette.
    assert.match(svg, /prefers-color-scheme:\s*dark/, `${name}: 다크 테마용 색이 없습니다`);
    const fileName = file.slice(DIAGRAMS_DIR.length + 1);
    assert.ok(allProse.includes(`assets/diagrams/${fileName})`), `${name}: 어느 장에서도 쓰이지 않습니다`);
  }
});

test('reports chapter 2 length against the source (Hangul syllables)', (t) => {
  const count = (text: string): number => (text.match(/[\uAC00-\uD7A3]/g) ?? []).length;
  const chapter = count(readFileSync(CHAPTER_2, 'utf8'));
  const source = existsSync(SEED_FILE) ? count(readFileSync(SEED_FILE, 'utf8')) : undefined;
  t.diagnostic(`2편 한글 음절 ${chapter}자${source === undefined ? '' : `, 원문 ${source}자`}`);
  assert.ok(source === undefined || chapter >= source, '2편이 원문보다 짧습니다: 빠진 내용이 없는지 보세요');
});
