// What the instructor's page draws, computed from the attendees' latest reports: a row per
// attendee (their cell per step, where they are now, how long since their last step change),
// counts per step, and the failure most attendees are stuck on right now. Plain data only:
// the page renders every string with textContent, so a name like <script> stays text.
import type { ClassStepStatus } from './protocol.ts';

export interface StepInfo {
  lab: string;
  step: string;
  /** Korean titles from the course, for the column headers. */
  labTitle: string;
  title: string;
}

export interface Cell {
  status: ClassStepStatus;
  /** Only failed cells carry their (sanitized, validated) Korean reason. */
  summary?: string;
}

export interface AttendeeState {
  id: string;
  name: string;
  joinedAt: number;
  lastSeen: number;
  lastChange: number;
  lastSeq: number;
  dropped: number;
  steps: Map<string, Cell>;
  current: ({ lab: string; step: string } & Cell) | null;
  doctor: { ok: boolean; failed: string[]; warned: number; at: number } | null;
}

export interface AttendeeRow {
  id: string;
  name: string;
  lastSeen: number;
  lastChange: number;
  dropped: number;
  doctor: AttendeeState['doctor'];
  current: AttendeeState['current'];
  /** By `lab/step`; idle steps are left out. */
  cells: Record<string, Cell>;
}

export interface StepCounts {
  passed: number;
  running: number;
  failed: number;
}

export interface ClassSnapshot {
  now: number;
  steps: readonly StepInfo[];
  attendees: AttendeeRow[];
  counts: Record<string, StepCounts>;
  /** The (step, reason) pair the most attendees are failing on now; ties go to the earlier step. */
  commonFailure: { lab: string; step: string; summary: string; count: number } | null;
  maxAttendees: number;
  refusedJoins: number;
}

export function buildSnapshot(
  steps: readonly StepInfo[],
  attendees: readonly AttendeeState[],
  now: number,
  extra: { refusedJoins: number; maxAttendees: number },
): ClassSnapshot {
  const counts: Record<string, StepCounts> = {};
  for (const step of steps) counts[`${step.lab}/${step.step}`] = { passed: 0, running: 0, failed: 0 };
  const failures = new Map<string, { lab: string; step: string; summary: string; count: number }>();
  const rows: AttendeeRow[] = [];
  for (const attendee of attendees) {
    const cells: Record<string, Cell> = {};
    for (const [key, cell] of attendee.steps) {
      if (cell.status === 'idle') continue;
      cells[key] = cell;
      const count = counts[key];
      if (!count) continue;
      if (cell.status === 'passed') count.passed++;
      else if (cell.status === 'failed') count.failed++;
      else count.running++;
    }
    // "Now" means where the attendee stands: a failure they already moved past does not count.
    const current = attendee.current;
    if (current?.status === 'failed') {
      const summary = current.summary ?? '(이유 없음)';
      const key = `${current.lab}/${current.step}\n${summary}`;
      const entry = failures.get(key) ?? { lab: current.lab, step: current.step, summary, count: 0 };
      entry.count++;
      failures.set(key, entry);
    }
    rows.push({ id: attendee.id, name: attendee.name, lastSeen: attendee.lastSeen, lastChange: attendee.lastChange, dropped: attendee.dropped, doctor: attendee.doctor, current, cells });
  }
  const order = new Map(steps.map((step, index) => [`${step.lab}/${step.step}`, index]));
  let commonFailure: ClassSnapshot['commonFailure'] = null;
  for (const entry of failures.values()) {
    if (!commonFailure || entry.count > commonFailure.count
      || (entry.count === commonFailure.count && (order.get(`${entry.lab}/${entry.step}`) ?? 0) < (order.get(`${commonFailure.lab}/${commonFailure.step}`) ?? 0))) {
      commonFailure = entry;
    }
  }
  rows.sort((a, b) => a.name.localeCompare(b.name, 'ko') || a.id.localeCompare(b.id));
  return { now, steps, attendees: rows, counts, commonFailure, ...extra };
}
