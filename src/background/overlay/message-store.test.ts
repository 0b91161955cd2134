import { describe, expect, it } from 'vitest';
import { dropLegacyRecords } from './message-store';

/** storage.local as dropLegacyRecords uses it (get(null) reads everything). */
function area(initial: Record<string, unknown>) {
  const m = new Map(Object.entries(initial));
  return {
    m,
    get: (keys: string[] | null) =>
      Promise.resolve(Object.fromEntries([...m].filter(([k]) => keys === null || keys.includes(k)))),
    set: (items: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(items)) m.set(k, v);
      return Promise.resolve();
    },
    remove: (keys: string[]) => {
      for (const k of keys) m.delete(k);
      return Promise.resolve();
    },
  };
}

describe('records nothing reads any more', () => {
  it('are dropped once at start, also on an install past the first clean-up; nothing else is touched', async () => {
    const kept = {
      'hush:schema': 3,
      'hush:contacts': { v: 3, contacts: [] },
      'hush-msg:a:1': 'AA==',
      'hush-idx:a': [],
      'settings:prefs': {},
    };
    // Store version 2 ran the first clean-up but still holds the key store's old replay memory.
    const a = area({
      ...kept,
      'hush-overlay-store': 2,
      'hush:seen:https://a.test#1': { ids: [] },
      'hush-view:x': 1,
      'hush-seen:y': 1,
    });
    expect(await dropLegacyRecords(a)).toBe(3);
    expect(Object.fromEntries(a.m)).toEqual({ ...kept, 'hush-overlay-store': 3 });
    expect(await dropLegacyRecords(a)).toBe(0);
  });
});
