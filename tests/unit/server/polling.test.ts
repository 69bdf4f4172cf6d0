// The polling panel source most panel kinds use: pushes only when the view changed, one read
// per key per tick, no read at all once the last watcher left, and dispose ends it all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pollingPanelSource } from '../../../server/panels/polling.ts';
import type { PanelSnapshot } from '../../../server/wire.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface View extends PanelSnapshot { value: number }

function source(values: Map<string, number>, reads: string[], disposed: string[]) {
  return pollingPanelSource<{ key: string }, View>({
    pollMs: 10,
    parse: (options) => {
      if (typeof options['key'] !== 'string') throw new Error('key required');
      return { key: options['key'] };
    },
    keyOf: (options) => options.key,
    read: async (options) => {
      reads.push(options.key);
      return { kind: 'test', at: 0, value: values.get(options.key) ?? 0 };
    },
    same: (a, b) => a.value === b.value,
    changes: (previous, next) => (previous ? [`${previous.value} -> ${next.value}`] : []),
    onDispose: () => disposed.push('client'),
  });
}

test('a watcher gets the first picture, then only changes, with the change described', async () => {
  const values = new Map([['a', 1]]);
  const reads: string[] = [];
  const panel = source(values, reads, []);
  const seen: Array<PanelSnapshot & { events?: string[] }> = [];
  const stop = panel.watch({ key: 'a' }, (snapshot) => seen.push(snapshot));
  await pause(60);
  assert.equal(seen.length, 1, 'unchanged readings are not pushed');
  values.set('a', 2);
  await pause(40);
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[1]!.events, ['1 -> 2']);
  stop();
  await panel.dispose();
});

test('watchers of the same key share one read per tick; bad options are refused', async () => {
  const reads: string[] = [];
  const panel = source(new Map(), reads, []);
  assert.throws(() => panel.watch({}, () => undefined), /key required/);
  const stops = [panel.watch({ key: 'a' }, () => undefined), panel.watch({ key: 'a' }, () => undefined), panel.watch({ key: 'b' }, () => undefined)];
  await pause(5);
  assert.deepEqual(reads.slice(0, 2).sort(), ['a', 'b']);
  for (const stop of stops) stop();
  await panel.dispose();
});

test('no reads once the last watcher left; dispose releases the kind\'s own resources', async () => {
  const reads: string[] = [];
  const disposed: string[] = [];
  const panel = source(new Map(), reads, disposed);
  const stop = panel.watch({ key: 'a' }, () => undefined);
  await pause(30);
  stop();
  await pause(15);
  const count = reads.length;
  await pause(50);
  assert.equal(reads.length, count, 'the timer stopped with the last watcher');
  await panel.dispose();
  assert.deepEqual(disposed, ['client']);
});
