// What every tool shares: the backends it may call, and one wrapper that turns any failure
// into an `isError` result (Korean and English, secrets redacted) under a time budget, so a
// tool call can fail but never crash the server or hang the editor.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { McpConfig } from '../config.ts';
import { describe, redact, ToolFailure } from '../errors.ts';
import type { FlinkBackend } from '../backends/flink.ts';
import type { KafkaBackend } from '../backends/kafka.ts';
import type { MarketDirectory } from '../backends/markets.ts';
import type { PaimonBackend } from '../backends/paimon.ts';

export interface ToolDeps {
  config: McpConfig;
  kafka: KafkaBackend;
  paimon: PaimonBackend;
  flink: FlinkBackend;
  markets: MarketDirectory;
  now(): number;
}

/** Every tool reads and never writes: the hints say so (clients may show them; they are not a guarantee). */
export const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/** Tool results as text (for clients that only read content) and as structured data. */
export function ok(structured: Record<string, unknown>, summary: string): CallToolResult {
  const text = `${summary}\n${JSON.stringify(structured, null, 2)}`;
  return { content: [{ type: 'text', text: redact(text) }], structuredContent: structured };
}

export function errorResult(ko: string, en: string, part: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: redact(`[${part}] ${ko}\n${en}`) }] };
}

/**
 * Runs a tool body with an overall deadline. ToolFailure carries its own Korean/English
 * text; anything else is reported by type and message only (no stack, redacted).
 */
export async function guarded(budgetMs: number, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CallToolResult>((resolve) => {
    timer = setTimeout(() => resolve(errorResult(
      `${Math.round(budgetMs / 1000)}초 안에 끝내지 못했습니다: 파이프라인이 바쁘거나 일부가 멈췄습니다. pipeline_health로 확인하세요`,
      `Did not finish within ${Math.round(budgetMs / 1000)} s: the pipeline is busy or part of it is stuck. Check pipeline_health`,
      'timeout')), budgetMs);
    timer.unref();
  });
  try {
    return await Promise.race([body().catch((error: unknown) => failureResult(error)), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function failureResult(error: unknown): CallToolResult {
  if (error instanceof ToolFailure) return errorResult(error.ko, error.en, error.part);
  const text = describe(error).slice(0, 300);
  return errorResult(`예상하지 못한 오류: ${text}`, `Unexpected error: ${text}`, 'server');
}
