// The Node version gate every learner-facing npm script passes through before any .ts file
// loads. It has to run on whatever Node a workshop laptop happens to have, so it is
// CommonJS in ES5-level syntax (var, function, no arrows or template strings): an old Node
// must be able to parse it to print the refusal instead of a stack trace. The required range
// is read from package.json `engines.node`, the one place the number lives; the doctor
// (server/preflight/node-version.ts) builds its report from the same functions and words.
'use strict';

var fs = require('fs');
var path = require('path');

var REPO_ROOT = path.resolve(__dirname, '..');
// The version the install steps name. The minimum comes from engines.node; this is the
// release line the course is tested on and tells people to install.
var RECOMMENDED_MAJOR = 24;

function requiredRange() {
  var manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  var range = manifest.engines && manifest.engines.node;
  if (typeof range !== 'string' || range.trim() === '') {
    throw new Error('package.json has no engines.node range for the Node version gate to read');
  }
  return range;
}

/** [major, minor, patch] of `v24.1.0`, `22.19.0-nightly`, ...; null when it is not a version. */
function parseVersion(text) {
  var match = /^\s*v?(\d+)\.(\d+)\.(\d+)/.exec(String(text));
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

function compare(a, b) {
  for (var i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

// One comparator of a range (`>=22.19.0`, `^22.19`, `24`) as lower/upper bounds. The subset
// of npm semver ranges a Node engines field uses: >= > <= < = ^ ~ and partial versions.
function parseComparator(text) {
  var match = /^(>=|<=|>|<|=|\^|~)?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?$/.exec(text);
  if (!match) throw new Error('unsupported comparator "' + text + '" in engines.node');
  var op = match[1] || '=';
  var parts = [match[2], match[3], match[4]];
  var given = 0;
  while (given < 3 && parts[given] !== undefined && /^\d+$/.test(parts[given])) given += 1;
  var v = [0, 0, 0];
  for (var i = 0; i < given; i += 1) v[i] = Number(parts[i]);
  // The first version past a partial one: `22.19` -> 22.20.0, `22` -> 23.0.0.
  function next(position) {
    var out = v.slice();
    out[position] += 1;
    for (var j = position + 1; j < 3; j += 1) out[j] = 0;
    return out;
  }
  if (op === '>=') return { min: v, minInclusive: true };
  if (op === '>') return given === 3 ? { min: v, minInclusive: false } : { min: next(given - 1), minInclusive: true };
  if (op === '<') return { max: v, maxInclusive: false };
  if (op === '<=') return given === 3 ? { max: v, maxInclusive: true } : { max: next(given - 1), maxInclusive: false };
  if (op === '^') {
    var caretAt = v[0] > 0 || given === 1 ? 0 : v[1] > 0 || given === 2 ? 1 : 2;
    return { min: v, minInclusive: true, max: next(caretAt), maxInclusive: false };
  }
  if (op === '~') return { min: v, minInclusive: true, max: next(given >= 2 ? 1 : 0), maxInclusive: false };
  return given === 3 ? { min: v, minInclusive: true, max: v, maxInclusive: true } : { min: v, minInclusive: true, max: next(given - 1), maxInclusive: false };
}

/** The alternatives of a range (split on ||), each a list of comparator bounds. */
function parseRange(range) {
  return String(range).split('||').map(function (alternative) {
    var words = alternative.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean);
    if (words.length === 0) throw new Error('empty alternative in engines.node "' + range + '"');
    return words.map(parseComparator);
  });
}

function withinBounds(version, bounds) {
  if (bounds.min) {
    var low = compare(version, bounds.min);
    if (low < 0 || (low === 0 && !bounds.minInclusive)) return false;
  }
  if (bounds.max) {
    var high = compare(version, bounds.max);
    if (high > 0 || (high === 0 && !bounds.maxInclusive)) return false;
  }
  return true;
}

/** True when `version` (like `v20.20.2`) is inside the engines range. */
function satisfies(version, range) {
  var parsed = parseVersion(version);
  if (!parsed) return false;
  return parseRange(range).some(function (alternative) {
    return alternative.every(function (bounds) { return withinBounds(parsed, bounds); });
  });
}

/** The lowest release the range accepts, as `22.19.0`: the number a learner is told. */
function minimumVersion(range) {
  var lowest = null;
  parseRange(range).forEach(function (alternative) {
    var floor = [0, 0, 0];
    alternative.forEach(function (bounds) {
      if (bounds.min && compare(bounds.min, floor) > 0) floor = bounds.min.slice();
    });
    if (lowest === null || compare(floor, lowest) < 0) lowest = floor;
  });
  return (lowest || [0, 0, 0]).join('.');
}

function display(version) {
  var text = String(version);
  return text.charAt(0) === 'v' ? text : 'v' + text;
}

var HEADLINE = 'Node.js 버전이 낮아 이 코스를 실행할 수 없습니다.';
var AFTER_INSTALL = '설치한 뒤 새 터미널을 열어 node -v로 버전을 확인하고, 방금 실행한 명령을 다시 실행하세요.';

/** `설치된 버전: v20.20.2` */
function installedText(installed) {
  return '설치된 버전: ' + display(installed);
}

/** `필요한 버전: 22.19.0 이상, …`: the needed version, worded once for the gate and the doctor. */
function neededText(range) {
  return '필요한 버전: ' + minimumVersion(range) + ' 이상, ' + RECOMMENDED_MAJOR + ' LTS 권장 (package.json engines.node: ' + range + ')';
}

/** The Korean verdict on one line: the doctor's detail, the gate's first three lines. */
function problemText(installed, range) {
  return HEADLINE + ' ' + installedText(installed) + ', ' + neededText(range);
}

/** How to get a new enough Node, per platform, then what to do after: the gate's body and the doctor's fix. */
function installSteps() {
  var major = RECOMMENDED_MAJOR;
  return [
    'macOS: Homebrew로 brew install node@' + major + ' && brew link --overwrite --force node@' + major
      + ', 또는 버전 관리자 fnm install ' + major + ' / nvm install ' + major + ' / volta install node@' + major,
    'Linux: fnm install ' + major + ' 또는 nvm install ' + major + ' (배포판 apt/dnf의 nodejs 패키지는 대개 너무 오래됐습니다)',
    'Windows: WSL 안에서는 Linux와 같은 방법으로, Windows에서 바로 쓸 때는 winget install OpenJS.NodeJS.LTS 또는 fnm/Volta로 '
      + major + ' 설치'
  ];
}

/** The short English line under the Korean text, for helpers who do not read Korean. */
function englishLine(installed, range) {
  return 'Node.js ' + display(installed) + ' is too old for this course: it needs ' + minimumVersion(range)
    + ' or newer (engines.node "' + range + '", ' + RECOMMENDED_MAJOR + ' LTS recommended). Install it (Homebrew, fnm, nvm, Volta,'
    + ' winget), open a new terminal and run the command again.';
}

/** The whole refusal as printed, one string per line. */
function refusalLines(installed, range, options) {
  var lines = ['✗ ' + HEADLINE, '  ' + installedText(installed), '  ' + neededText(range), ''];
  lines.push('  Node.js ' + RECOMMENDED_MAJOR + ' 설치 방법:');
  installSteps().forEach(function (step) { lines.push('  - ' + step); });
  if (options && options.staleNodeModules) {
    // node-pty is compiled for the Node that ran npm install; a tree built by an older Node
    // fails later with a NODE_MODULE_VERSION error unless it is rebuilt from scratch.
    lines.push('  이 폴더의 node_modules는 지금의 낮은 Node로 설치됐습니다. 새 Node로 바꾼 뒤 node_modules 폴더를 지우고 npm install을 다시 실행하세요 (터미널 모듈 node-pty를 새 Node에 맞춰 다시 빌드합니다).');
  }
  lines.push('  ' + AFTER_INSTALL, '');
  lines.push(englishLine(installed, range));
  return lines;
}

/** Verdict for `installed` (default: this process's Node). */
function checkNode(installed) {
  var version = installed === undefined ? process.versions.node : installed;
  var range = requiredRange();
  return { ok: satisfies(version, range), installed: display(version), range: range };
}

// True when node_modules holds a node-pty that this (too old) Node compiled: npm records the
// ABI it built for in config.gypi. Prebuilt binaries (macOS) have no such file: no hint then.
function builtByThisNode() {
  try {
    var gypi = fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'node-pty', 'build', 'config.gypi'), 'utf8');
    var match = /"node_module_version":\s*(\d+)/.exec(gypi);
    return match !== null && match[1] === String(process.versions.modules);
  } catch (error) {
    return false;
  }
}

/**
 * When this Node is too old: prints the refusal to stderr, sets exit code 1 and returns true,
 * and the caller loads nothing more. exitCode rather than process.exit() so the text is not
 * cut off where stderr is an asynchronous pipe (Windows).
 */
function refuseIfTooOld() {
  var verdict = checkNode();
  if (verdict.ok) return false;
  process.stderr.write(refusalLines(verdict.installed, verdict.range, { staleNodeModules: builtByThisNode() }).join('\n') + '\n');
  process.exitCode = 1;
  return true;
}

exports.RECOMMENDED_MAJOR = RECOMMENDED_MAJOR;
exports.requiredRange = requiredRange;
exports.satisfies = satisfies;
exports.minimumVersion = minimumVersion;
exports.HEADLINE = HEADLINE;
exports.AFTER_INSTALL = AFTER_INSTALL;
exports.installedText = installedText;
exports.neededText = neededText;
exports.problemText = problemText;
exports.installSteps = installSteps;
exports.englishLine = englishLine;
exports.refusalLines = refusalLines;
exports.checkNode = checkNode;
exports.refuseIfTooOld = refuseIfTooOld;

// `node scripts/node-gate.cjs && node --test ...`: the gate on its own, for scripts whose
// command is a Node flag rather than a file (the test runner) and for npm's preinstall.
if (require.main === module) refuseIfTooOld();
