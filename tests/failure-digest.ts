// A node:test reporter that writes only the failures, each with its full assertion message.
// `npm test` prints these digests last, so a CI log that keeps only its tail still shows why
// a test failed (the spec reporter's copy is buried thousands of lines earlier).
interface FailEvent {
  type: string;
  data: {
    name?: string;
    file?: string;
    details?: { error?: { failureType?: string; message?: string; cause?: unknown } };
  };
}

const MAX_CHARS = 6000;

function messageOf(error: { message?: string; cause?: unknown } | undefined): string {
  const cause = error?.cause;
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'object' && cause !== null && 'message' in cause) return String((cause as { message: unknown }).message);
  return error?.message ?? String(cause ?? 'unknown failure');
}

export default async function* failureDigest(source: AsyncIterable<FailEvent>): AsyncGenerator<string> {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const error = event.data.details?.error;
    // A parent whose subtests failed says nothing of its own; the subtest's entry has the reason.
    if (error?.failureType === 'subtestsFailed') continue;
    let text = messageOf(error);
    if (text.length > MAX_CHARS) text = `…${text.slice(-MAX_CHARS)}`;
    yield `✖ ${event.data.name ?? '(unnamed)'}${event.data.file ? ` [${event.data.file.split('/tests/').pop()}]` : ''}\n${text}\n\n`;
  }
}
