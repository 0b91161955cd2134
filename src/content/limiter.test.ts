import { describe, expect, it } from 'vitest';
import { Limiter } from './limiter';

/** A job the test finishes by hand. */
function gate() {
  let open: () => void = () => undefined;
  let fail: (e: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { done, open: () => open(), fail: (e: Error) => fail(e) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Limiter', () => {
  it('runs at most `limit` jobs at once, the rest in queue order as places free', async () => {
    const l = new Limiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      l.run(async () => {
        started.push(i);
        await g.done;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    gates[1]?.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.open();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]?.open();
    gates[3]?.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
  });

  it('a failing job passes its error on and frees its place', async () => {
    const l = new Limiter(1);
    const first = gate();
    const failing = l.run(() => first.done);
    const started: string[] = [];
    const next = l.run(() => {
      started.push('next');
      return Promise.resolve();
    });
    await tick();
    expect(started).toEqual([]);
    first.fail(new Error('boom'));
    await expect(failing).rejects.toThrow('boom');
    await next;
    expect(started).toEqual(['next']);
  });

  it('with nothing waiting, places are given back: later jobs start at once', async () => {
    const l = new Limiter(1);
    await l.run(() => Promise.resolve());
    await l.run(() => Promise.resolve());
    const started: number[] = [];
    const a = gate();
    const run = l.run(async () => {
      started.push(1);
      await a.done;
    });
    await tick();
    expect(started).toEqual([1]);
    a.open();
    await run;
  });
});
