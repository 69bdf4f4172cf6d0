// Entry point of the stand-in: `node chapters/03-flink/upbit-replay/server.ts --port 8765 --speed 1`.
// Runs until SIGINT/SIGTERM, then closes every socket and timer it opened.
import { parseArgs } from 'node:util';
import { startReplay } from './replay.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['REPLAY_PORT'] ?? '8765' },
    host: { type: 'string', default: process.env['REPLAY_HOST'] ?? '127.0.0.1' },
    speed: { type: 'string', default: process.env['REPLAY_SPEED'] ?? '1' },
    seed: { type: 'string' },
    'idle-timeout': { type: 'string', default: '120' },
  },
});

const replay = await startReplay({
  port: Number(values.port),
  host: values.host,
  speed: Number(values.speed) || 1,
  ...(values.seed ? { seed: Number(values.seed) } : {}),
  idleTimeoutMs: Number(values['idle-timeout']) * 1000,
  // In the container every caller arrives from the bridge gateway, never from loopback;
  // compose publishes the port on the host's 127.0.0.1 only, so control stays local anyway.
  controlFromAnyAddress: process.env['REPLAY_CONTROL'] === 'any',
});
console.log(`upbit-replay (생성된 데이터, 실제 업비트 아님) ${replay.wsUrl} · REST ${replay.url}/v1/market/all · 속도 x${values.speed}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await replay.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
