// Unit tests for listenError (server/errors.ts): the first error a learner may ever see from
// `npm start`, so its wording must name the port and the way out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabError, listenError } from '../../../server/errors.ts';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

test('EADDRINUSE names the port and LAB_PORT', () => {
  const error = listenError(errno('EADDRINUSE'), '127.0.0.1', 4800);
  assert.ok(error instanceof LabError);
  assert.equal(error.code, 'port-in-use');
  assert.match(error.message, /4800/);
  assert.match(error.message, /LAB_PORT=4801 npm start/);
  assert.match(error.hint ?? '', /npm run stop/);
});

test('on port 4801 it suggests another port', () => {
  assert.match(listenError(errno('EADDRINUSE'), '127.0.0.1', 4801).message, /LAB_PORT=4802/);
});

test('other listen failures get their own codes', () => {
  assert.equal(listenError(errno('EACCES'), '127.0.0.1', 80).code, 'port-denied');
  assert.equal(listenError(errno('EADDRNOTAVAIL'), '10.9.9.9', 4800).code, 'host-unavailable');
  const other = listenError(errno('EWHATEVER'), '::1', 4800);
  assert.equal(other.code, 'listen-failed');
  assert.match(other.message, /\[::1\]:4800/);
});

test('the body sent to clients has no stack and no cause', () => {
  const error = new LabError('x', '메시지', { status: 409, cause: new Error('inner') });
  assert.deepEqual(error.toBody(), { error: 'x', message: '메시지' });
  assert.equal(error.status, 409);
  assert.equal(new LabError('y', 'm').status, 500);
});
