// kafkajs 2.2.4 (unmaintained) schedules timers with negative delays, which Node 24 reports
// as TimeoutNegativeWarning on every run. The delay is clamped to 1 ms either way; we drop
// just that warning so learners do not mistake it for a lab failure. Imported for its effect.
const originalEmitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name = typeof warning === 'string' ? (typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type) : warning.name;
  if (name === 'TimeoutNegativeWarning') return;
  // The rest parameters are whatever Node's overloads accept; pass them through untouched.
  (originalEmitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
