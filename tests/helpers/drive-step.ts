// Presses a step's button the way the page does, for a lab server this process can reach only
// on its own loopback (the room test runs it inside the attendee's network namespace): opens
// the tokened WebSocket, sends step.run or step.check, and prints the step's final state as
// one JSON line. Usage: node tests/helpers/drive-step.ts <open url with ?token=> <lab> <step> run|check
import WebSocket from 'ws';
import { SUBPROTOCOL, type ServerMessage } from '../../server/wire.ts';

const [openUrl = '', lab = '', step = '', action = 'run'] = process.argv.slice(2);
const url = new URL(openUrl);
const token = url.searchParams.get('token') ?? '';
const ws = new WebSocket(`ws://${url.host}/ws?token=${token}`, SUBPROTOCOL, { headers: { Origin: url.origin } });
const deadline = setTimeout(() => {
  console.log(JSON.stringify({ status: 'timeout' }));
  process.exit(1);
}, 120_000);
ws.on('message', (data, isBinary) => {
  if (isBinary) return;
  const message = JSON.parse(String(data)) as ServerMessage;
  if (message.type === 'hello') ws.send(JSON.stringify({ type: action === 'check' ? 'step.check' : 'step.run', lab, step }));
  if (message.type !== 'step.state' || message.state.lab !== lab || message.state.step !== step) return;
  if (message.state.status !== 'passed' && message.state.status !== 'failed') return;
  clearTimeout(deadline);
  console.log(JSON.stringify({ status: message.state.status, summary: message.state.result?.summary ?? '' }));
  ws.close();
});
ws.on('error', (error) => {
  console.log(JSON.stringify({ status: 'error', summary: error.message }));
  process.exit(1);
});
