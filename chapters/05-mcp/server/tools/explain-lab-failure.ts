// explain_lab_failure(lab, step): what the lab server's last check said about a step, read
// from its progress file (.lab-state/progress.json, written by server/progress.ts), plus the
// step's hint from the lab file. No call into the lab server, no terminal contents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { courseLabs } from '../../../index.ts';
import { badInput, missing } from '../errors.ts';
import { ExplainInput } from '../inputs.ts';
import { dual } from '../time.ts';
import { guarded, ok, READ_ONLY, type ToolDeps } from './common.ts';

interface StoredStep {
  lab: string;
  step: string;
  status: string;
  startedAt?: number;
  durationMs?: number;
  result?: { ok: boolean; summary: string; evidence: string[]; metrics?: Record<string, number> };
}

export function readProgress(stateDir: string): Record<string, StoredStep> {
  let text: string;
  try {
    text = readFileSync(join(stateDir, 'progress.json'), 'utf8');
  } catch {
    throw missing('lab-state');
  }
  const parsed = JSON.parse(text) as { steps?: Record<string, StoredStep> };
  return parsed.steps ?? {};
}

export function registerExplainLabFailure(server: McpServer, deps: ToolDeps): void {
  server.registerTool('explain_lab_failure', {
    title: 'Explain a lab step / 실습 단계 결과 설명',
    description:
      "The lab server's last check result for a lab step (status, Korean summary, evidence) and the step's hint. Without `step`: the lab's most recent failed step. Use it when the learner says a step fails.\n" +
      '실습 서버가 마지막으로 확인한 단계 결과(상태, 요약, 근거)와 그 단계의 힌트를 돌려줍니다. step을 빼면 그 실습에서 가장 최근에 실패한 단계입니다.',
    inputSchema: ExplainInput,
    outputSchema: {
      lab: z.string(),
      step: z.string(),
      title: z.string().nullable(),
      status: z.string(),
      checked: z.object({ utc: z.string(), kst: z.string(), epochMs: z.number() }).nullable(),
      summary: z.string().nullable(),
      evidence: z.array(z.string()),
      hint: z.string().nullable(),
    },
    annotations: READ_ONLY,
  }, ({ lab, step }) => guarded(5000, async () => {
    const labDef = courseLabs().find((l) => l.id === lab);
    if (!labDef) throw badInput(`모르는 실습입니다: ${lab}`, `Unknown lab: ${lab}`);
    const steps = readProgress(deps.config.stateDir);
    let stored: StoredStep | undefined;
    if (step) {
      if (!labDef.steps.some((s) => s.id === step)) throw badInput(`${lab}에 ${step} 단계가 없습니다`, `Lab ${lab} has no step ${step}`);
      stored = steps[`${lab}/${step}`];
    } else {
      stored = Object.values(steps).filter((s) => s.lab === lab && s.status === 'failed').sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0))[0];
      if (!stored) throw badInput(`${lab}에 실패한 단계 기록이 없습니다`, `No failed step recorded for lab ${lab}`);
    }
    const stepId = stored?.step ?? step ?? '';
    const stepDef = labDef.steps.find((s) => s.id === stepId);
    const result = {
      lab,
      step: stepId,
      title: stepDef?.title ?? null,
      status: stored?.status ?? 'never-run',
      checked: stored?.startedAt ? dual(stored.startedAt + (stored.durationMs ?? 0)) : null,
      summary: stored?.result?.summary ?? null,
      evidence: (stored?.result?.evidence ?? []).slice(0, 10).map((line) => line.slice(0, 300)),
      hint: stepDef?.hint ?? null,
    };
    return ok(result, `${lab}/${stepId}: ${result.status}${result.summary ? ` — ${result.summary}` : ''}`);
  }));
}
