// A simulated attendee for the room test: the lab server's real ClassReporter in its own
// process (started inside a network namespace), fed step changes as JSON lines on stdin.
// The line "leave" leaves the class and exits. Prints "joined" once the host accepted it.
// Usage: node tests/helpers/class-attendee.ts <host:port> <code> <name>
import { createInterface } from 'node:readline';
import { ClassReporter, type StepChange } from '../../server/class/reporter.ts';

const [server = '', code = '', name = ''] = process.argv.slice(2);
const reporter = new ClassReporter({ server, code, name, batchDelayMs: 10, initialBackoffMs: 100, log: (line) => console.error(line) });
reporter.start();
const joined = setInterval(() => {
  if (!reporter.stats().joined) return;
  clearInterval(joined);
  console.log('joined');
}, 20);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'leave') break;
  const change = JSON.parse(line) as StepChange;
  reporter.step(change);
}
clearInterval(joined);
await reporter.leave();
