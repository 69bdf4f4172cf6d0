// Naming the process that holds a port is the whole value of the port probe; these pin the
// lsof/ss parsing against real output shapes from Linux and macOS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeHolders, isDockerPortProcess, parseLsofListeners, parseSsListeners } from '../../../server/preflight/ports.ts';

test('parseLsofListeners reads -F pc records, one holder per pid', () => {
  const output = 'p14024\ncdocker-proxy\np2211\ncnode\nf23\np2211\ncnode\n';
  assert.deepEqual(parseLsofListeners(output), [{ command: 'docker-proxy', pid: 14024 }, { command: 'node', pid: 2211 }]);
  assert.deepEqual(parseLsofListeners(''), []);
  assert.deepEqual(parseLsofListeners('cnode\n'), [], 'a command without a pid record is ignored');
});

test('parseSsListeners keeps only listeners on the asked port', () => {
  const output = [
    'State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess',
    'LISTEN 0      4096       127.0.0.1:29093      0.0.0.0:*    users:(("docker-proxy",pid=14011,fd=4))',
    'LISTEN 0      4096       127.0.0.1:29092      0.0.0.0:*    users:(("docker-proxy",pid=14024,fd=4))',
    'LISTEN 0      511             [::]:4800          [::]:*    users:(("node",pid=900,fd=20),("node",pid=901,fd=20))',
    'LISTEN 0      128          0.0.0.0:14800      0.0.0.0:*',
    'LISTEN 0      128          0.0.0.0:4800       0.0.0.0:*    users:(("node",pid=900,fd=21))',
  ].join('\n');
  assert.deepEqual(parseSsListeners(output, 29092), [{ command: 'docker-proxy', pid: 14024 }]);
  assert.deepEqual(parseSsListeners(output, 4800), [{ command: 'node', pid: 900 }, { command: 'node', pid: 901 }]);
  assert.deepEqual(parseSsListeners(output, 14800), [], 'a listener without process info names nobody');
  assert.deepEqual(parseSsListeners(output, 800), []);
});

test('describeHolders falls back to an unknown process', () => {
  assert.equal(describeHolders([]), '알 수 없는 프로세스');
  assert.equal(describeHolders([{ command: 'node', pid: 1 }, { command: 'java', pid: 2 }]), 'node (pid 1), java (pid 2)');
});

test('isDockerPortProcess recognises Docker port publishers on each platform', () => {
  for (const name of ['docker-proxy', 'docker-pr', 'com.docker.backend', 'com.docke', 'vpnkit', 'rootlesskit']) assert.equal(isDockerPortProcess(name), true, name);
  for (const name of ['node', 'java', 'nginx', 'my-docker-proxy']) assert.equal(isDockerPortProcess(name), false, name);
});
