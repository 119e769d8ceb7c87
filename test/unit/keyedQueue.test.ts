import { strict as assert } from 'node:assert';
import { KeyedQueue } from '../../src/extension/common/keyedQueue';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedQueue (ordered run-history writes)', () => {
  it('finishes the jobs of one key in the order they were queued, even when a later one is quicker', async () => {
    const queue = new KeyedQueue();
    let stored = '';
    const write = (value: string, ms: number) => () => sleep(ms).then(() => (stored = value));
    // Unordered, the quick "completed" write would land first and the slow "running" one overwrite it.
    await Promise.all([queue.run('run-1', write('running', 30)), queue.run('run-1', write('completed', 1))]);
    assert.equal(stored, 'completed');
  });

  it('keeps other keys independent, goes on after a failure, and forgets idle keys', async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const failed = queue.run('a', () => sleep(20).then(() => Promise.reject(new Error('disk full'))));
    const afterFailure = queue.run('a', async () => order.push('a2'));
    const other = queue.run('b', async () => order.push('b1'));
    await assert.rejects(failed, /disk full/);
    await Promise.all([afterFailure, other]);
    assert.deepEqual(order, ['b1', 'a2']);
    await sleep(0);
    assert.equal(queue.pending, 0);
  });
});
