// Presenter mode's state without a browser: remembered only as 'on', off when storage is
// missing or throws, and the terminal look it picks (tests/e2e/presenter.test.ts clicks it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPresenter, presenterOn, PRESENTER_KEY, readPresenter, terminalLook, writePresenter } from '../../../src/islands/presenter.ts';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value), removeItem: (key) => void items.delete(key) };
}

test('the switch is remembered across reloads and forgotten when turned off', () => {
  const storage = memoryStorage();
  assert.equal(readPresenter(storage), false);
  writePresenter(storage, true);
  assert.equal(storage.items.get(PRESENTER_KEY), 'on');
  assert.equal(readPresenter(storage), true);
  writePresenter(storage, false);
  assert.equal(storage.items.has(PRESENTER_KEY), false);
  assert.equal(readPresenter(storage), false);
});

test('no storage, or storage that throws, means off and never breaks the page', () => {
  const throwing = { getItem: () => { throw new Error('SecurityError'); }, setItem: () => { throw new Error('QuotaExceeded'); }, removeItem: () => { throw new Error('x'); } };
  assert.equal(readPresenter(null), false);
  assert.equal(readPresenter(throwing), false);
  assert.doesNotThrow(() => writePresenter(throwing, true));
  assert.equal(readPresenter({ getItem: () => 'yes' }), false, 'only the exact value turns it on');
});

test('the mode lives on the root element and picks a larger, high-contrast terminal', () => {
  const root = { dataset: {} as DOMStringMap };
  applyPresenter(root, true);
  assert.equal(presenterOn(root), true);
  applyPresenter(root, false);
  assert.equal(presenterOn(root), false);
  assert.ok(!('presenter' in root.dataset));
  assert.ok(terminalLook(true).fontSize >= terminalLook(false).fontSize + 6);
  assert.deepEqual([terminalLook(true).theme.background, terminalLook(true).theme.foreground], ['#000000', '#ffffff']);
});
