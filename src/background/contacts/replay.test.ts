import { describe, expect, it } from 'vitest';
import { MemoryArea } from '../storage/kv';
import { MAX_REMEMBERED, rememberMessage } from './replay';

describe('replay memory', () => {
  it('new, then known (same or more status ids), replay when no status id is shared', async () => {
    const area = new MemoryArea();
    expect(await rememberMessage(area, 'acc', 'm1', ['s1'], 1)).toBe('new');
    expect(await rememberMessage(area, 'acc', 'm1', ['s1'], 2)).toBe('known');
    expect(await rememberMessage(area, 'acc', 'm1', ['s1', 's2'], 3)).toBe('known'); // a later chunk arrived
    expect(await rememberMessage(area, 'acc', 'm1', ['s9'], 4)).toBe('replay');
    expect(await rememberMessage(area, 'other', 'm1', ['s9'], 4)).toBe('new'); // per account
  });
  it('is bounded', async () => {
    const area = new MemoryArea();
    for (let i = 0; i <= MAX_REMEMBERED; i++) await rememberMessage(area, 'acc', `m${i}`, [`s${i}`], i);
    expect(await rememberMessage(area, 'acc', 'm0', ['other'], 0)).toBe('new'); // forgotten
  });
  it('treats a damaged stored record as empty instead of throwing', async () => {
    for (const entries of [5, [null], [['m1', 's1', 1]], 'x', [['m1', [1], 1]]]) {
      const area = new MemoryArea();
      await area.set({ 'hush:seen:acc': { v: 2, entries } });
      expect(await rememberMessage(area, 'acc', 'm1', ['s1'], 1)).toBe('new');
    }
  });
  it('keys messages by sender: the same id from another sender is not a replay', async () => {
    const area = new MemoryArea();
    expect(await rememberMessage(area, 'acc', 'https://a.test/users/alice|m1', ['s1'], 1)).toBe('new');
    expect(await rememberMessage(area, 'acc', 'https://a.test/users/mallory|m1', ['s2'], 2)).toBe('new');
  });
});
