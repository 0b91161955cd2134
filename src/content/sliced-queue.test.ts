import { describe, expect, it } from 'vitest';
import { SlicedQueue } from './sliced-queue';

/** A queue on a fake clock whose yields run only when the test says so. */
function fake(budget: number, costPerJob: number) {
  let t = 0;
  const yields: (() => void)[] = [];
  const q = new SlicedQueue(
    budget,
    () => t,
    (run) => yields.push(run),
  );
  const ran: number[] = [];
  const job = (i: number) => () => {
    ran.push(i);
    t += costPerJob;
  };
  const slice = () => {
    yields.shift()?.();
  };
  return { q, ran, job, slice, pendingYields: () => yields.length };
}

describe('SlicedQueue', () => {
  it('runs nothing synchronously, then in order, at most a budget per slice', () => {
    const f = fake(16, 5);
    for (let i = 0; i < 10; i++) f.q.push(f.job(i));
    expect(f.ran).toEqual([]);
    expect(f.pendingYields()).toBe(1);
    f.slice();
    expect(f.ran).toEqual([0, 1, 2, 3]); // 4 jobs reach 20 >= 16
    f.slice();
    f.slice();
    expect(f.ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(f.q.size).toBe(0);
    expect(f.pendingYields()).toBe(0);
  });

  it('always makes progress: a job longer than the budget runs alone in its slice', () => {
    const f = fake(16, 40);
    f.q.push(f.job(1));
    f.q.push(f.job(2));
    f.slice();
    expect(f.ran).toEqual([1]);
    f.slice();
    expect(f.ran).toEqual([1, 2]);
  });

  it('a job that throws does not stop the ones after it', async () => {
    const f = fake(100, 1);
    f.q.push(() => {
      throw new Error('boom');
    });
    f.q.push(f.job(7));
    const errors: unknown[] = [];
    const onError = (e: unknown) => {
      errors.push(e);
    };
    process.on('uncaughtException', onError);
    try {
      f.slice();
      expect(f.ran).toEqual([7]);
      await new Promise((r) => setTimeout(r, 5));
      expect(String(errors[0])).toContain('boom');
    } finally {
      process.off('uncaughtException', onError);
    }
  });

  it('jobs pushed by a job run after the ones already queued, in the same slice while the budget lasts', () => {
    const f = fake(1000, 1);
    f.q.push(() => {
      f.ran.push(0);
      f.q.push(f.job(2));
    });
    f.q.push(f.job(1));
    f.slice();
    expect(f.ran).toEqual([0, 1, 2]);
    expect(f.pendingYields()).toBe(0);
    f.q.push(f.job(3));
    expect(f.pendingYields()).toBe(1);
  });
});
