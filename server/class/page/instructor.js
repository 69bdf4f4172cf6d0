// The instructor's live grid: one EventSource to the class server, one full snapshot per
// frame, redrawn with textContent only. Attendee names and failure reasons come from other
// people's laptops; they are never parsed as HTML.
const STATUS_MARK = { passed: '✓', running: '⟳', checking: '⟳', failed: '✗' };
const STATUS_WORD = { passed: '통과', running: '실행 중', checking: '확인 중', failed: '실패', idle: '아직' };
/** No step change for this long is worth the instructor's eye. */
const IDLE_WARN_MIN = 5;
/** Two missed heartbeats: the attendee's lab server is probably off. */
const GONE_MS = 65_000;

const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function stepLabel(snapshot, lab, step) {
  const info = snapshot.steps.find((s) => s.lab === lab && s.step === step);
  return info ? `${info.labTitle} · ${info.title}` : `${lab}/${step}`;
}

function renderHead(snapshot) {
  const labs = el('tr');
  labs.append(el('th', '참가자', 'name'), el('th', '지금'), el('th', '멈춘 시간'));
  const steps = el('tr');
  steps.append(el('th', '', 'name'), el('th', ''), el('th', ''));
  let current = null;
  let span = null;
  let index = 0;
  for (const step of snapshot.steps) {
    if (step.lab !== current) {
      current = step.lab;
      index = 0;
      // colSpan cannot be 0 (the browser makes it 1), so a new group starts at 1.
      span = el('th', step.labTitle);
      span.colSpan = 1;
      span.dataset.lab = step.lab;
      labs.append(span);
    } else {
      span.colSpan += 1;
    }
    index += 1;
    const th = el('th', String(index));
    th.title = `${step.labTitle} · ${step.title}`;
    th.dataset.step = `${step.lab}/${step.step}`;
    steps.append(th);
  }
  $('grid-head').replaceChildren(labs, steps);
}

function renderBody(snapshot) {
  const rows = snapshot.attendees.map((attendee) => {
    const tr = el('tr');
    tr.dataset.attendee = attendee.id;
    const name = el('td', attendee.name, 'name');
    name.title = attendee.doctor
      ? (attendee.doctor.ok ? '점검(doctor) 통과' : `점검(doctor) 실패: ${attendee.doctor.failed.join(', ')}`)
      : '점검(doctor) 결과 없음';
    if (attendee.doctor && !attendee.doctor.ok) name.append(el('span', ' ⚠', 's-failed'));
    const now = el('td', '', 'now');
    now.dataset.role = 'now';
    if (attendee.current) {
      const c = attendee.current;
      now.append(el('span', `${STATUS_MARK[c.status] ?? '·'} ${STATUS_WORD[c.status] ?? c.status}`, `s-${c.status === 'checking' ? 'running' : c.status}`));
      now.append(el('span', ` ${stepLabel(snapshot, c.lab, c.step)}`));
      if (c.status === 'failed' && c.summary) now.append(el('div', c.summary, 'reason'));
    } else {
      now.append(el('span', '아직 시작 전', 's-idle'));
    }
    const idleMin = Math.floor((snapshot.now - attendee.lastChange) / 60_000);
    const gone = snapshot.now - attendee.lastSeen > GONE_MS;
    const idle = el('td', gone ? '연결 끊김' : `${idleMin}분`, gone ? 'gone' : idleMin >= IDLE_WARN_MIN ? 'idle-long' : '');
    idle.dataset.role = 'idle';
    tr.append(name, now, idle);
    for (const step of snapshot.steps) {
      const key = `${step.lab}/${step.step}`;
      const cell = attendee.cells[key];
      const status = cell ? cell.status : 'idle';
      const td = el('td', STATUS_MARK[status] ?? '·', `s-${status === 'checking' ? 'running' : status}`);
      td.dataset.step = key;
      td.dataset.status = status;
      td.title = `${step.labTitle} · ${step.title}: ${STATUS_WORD[status] ?? status}${cell && cell.summary ? `\n${cell.summary}` : ''}`;
      tr.append(td);
    }
    return tr;
  });
  $('grid-body').replaceChildren(...rows);
}

function renderFoot(snapshot) {
  const tr = el('tr');
  tr.append(el('td', '단계별', 'name'), el('td', ''), el('td', ''));
  for (const step of snapshot.steps) {
    const key = `${step.lab}/${step.step}`;
    const count = snapshot.counts[key] ?? { passed: 0, running: 0, failed: 0 };
    const td = el('td', `✓${count.passed} ⟳${count.running} ✗${count.failed}`);
    td.dataset.step = key;
    td.dataset.passed = String(count.passed);
    td.dataset.running = String(count.running);
    td.dataset.failed = String(count.failed);
    tr.append(td);
  }
  $('grid-foot').replaceChildren(tr);
}

let headSteps = '';
function render(snapshot) {
  const signature = snapshot.steps.map((s) => `${s.lab}/${s.step}`).join(',');
  if (signature !== headSteps) {
    headSteps = signature;
    renderHead(snapshot);
  }
  renderBody(snapshot);
  renderFoot(snapshot);
  const running = snapshot.attendees.filter((a) => a.current && (a.current.status === 'running' || a.current.status === 'checking')).length;
  const failed = snapshot.attendees.filter((a) => a.current && a.current.status === 'failed').length;
  $('summary').textContent = `참가자 ${snapshot.attendees.length}/${snapshot.maxAttendees}명 · 실행 중 ${running}명 · 실패 중 ${failed}명${snapshot.refusedJoins ? ` · 거절한 참가 요청 ${snapshot.refusedJoins}건` : ''}`;
  const common = snapshot.commonFailure;
  $('common').classList.toggle('none', !common);
  $('common-text').textContent = common
    ? `${stepLabel(snapshot, common.lab, common.step)} — ${common.summary} (${common.count}명)`
    : '지금 실패 중인 참가자가 없습니다.';
  document.body.dataset.renderedAt = String(snapshot.now);
}

const source = new EventSource('/api/events');
source.onmessage = (event) => {
  $('link').hidden = true;
  render(JSON.parse(event.data));
};
source.onerror = () => {
  $('link').hidden = false;
};
