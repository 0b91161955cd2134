import { describe, expect, it } from 'vitest';
import { SessionTable, sweepTab, type SessionArea } from './session-table';

/** A storage.session stand-in: what a restarted worker sees is whatever was set before. */
function memoryArea(): SessionArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: (keys) =>
      Promise.resolve(
        Object.fromEntries(
          [...data].filter(([k]) => keys === null || k === keys).map(([k, v]) => [k, structuredClone(v)]),
        ),
      ),
    set: (items) => {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
      return Promise.resolve();
    },
    remove: (keys) => {
      for (const k of typeof keys === 'string' ? [keys] : keys) data.delete(k);
      return Promise.resolve();
    },
  };
}

interface Draft {
  readonly tabId: number;
  readonly text: string;
}
const isDraft = (v: unknown): v is Draft =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Draft).tabId === 'number' &&
  typeof (v as Draft).text === 'string';

describe('SessionTable', () => {
  it('a draft written before a worker restart is there after it', async () => {
    const area = memoryArea();
    const before = new SessionTable<Draft>('editor:', isDraft, () => area);
    await before.put('s1', { tabId: 7, text: 'half a sentence' });
    const after = new SessionTable<Draft>('editor:', isDraft, () => area); // a new worker: empty memory
    expect(await after.get('s1')).toEqual({ tabId: 7, text: 'half a sentence' });
    expect(await after.get('s2')).toBeNull();
  });

  it('refuses a stored record of the wrong shape, and keeps tables apart by prefix', async () => {
    const area = memoryArea();
    area.data.set('editor:bad', { tabId: '7', text: 1 });
    area.data.set('view:s1', { tabId: 7, text: 'a view, not a draft' });
    const t = new SessionTable<Draft>('editor:', isDraft, () => area);
    expect(await t.get('bad')).toBeNull();
    expect(await t.get('s1')).toBeNull();
    await t.put('s3', { tabId: 1, text: 'x' });
    expect((await t.all()).map(([id]) => id)).toEqual(['s3']);
  });

  it('reads storage in full once per worker; later records come from memory', async () => {
    const area = memoryArea();
    area.data.set('view:old', { tabId: 1, text: 'from before the restart' });
    let fullReads = 0;
    const get = area.get.bind(area);
    area.get = (keys) => {
      if (keys === null) fullReads++;
      return get(keys);
    };
    const t = new SessionTable<Draft>('view:', isDraft, () => area);
    expect((await t.all()).map(([id]) => id)).toEqual(['old']);
    await t.put('new', { tabId: 1, text: 'opened now' });
    await t.delete('old');
    expect((await t.all()).map(([id]) => id)).toEqual(['new']);
    expect(fullReads).toBe(1);
  });

  it('delete removes the record from memory and storage', async () => {
    const area = memoryArea();
    const t = new SessionTable<Draft>('editor:', isDraft, () => area);
    await t.put('s1', { tabId: 1, text: 'x' });
    await t.delete('s1');
    expect(await t.get('s1')).toBeNull();
    expect(area.data.size).toBe(0);
  });

  it('a full storage.session keeps the record in memory instead of failing the request', async () => {
    const area = memoryArea();
    area.set = () => Promise.reject(new Error('QUOTA_BYTES quota exceeded'));
    const t = new SessionTable<Draft>('editor:', isDraft, () => area);
    expect(await t.put('s1', { tabId: 1, text: 'x' })).toBe(false);
    expect(await t.get('s1')).toEqual({ tabId: 1, text: 'x' });
  });
});

describe('sweepTab', () => {
  it("removes a closed tab's frame sessions, drafts and views, and nothing else", async () => {
    const area = memoryArea();
    area.data.set('frame:a', { kind: 'view', tabId: 3, createdAt: 1 });
    area.data.set('editor:b', { tabId: 3, text: 'secret draft' });
    area.data.set('view:c', { tabId: 3 });
    area.data.set('view:d', { tabId: 4 });
    area.data.set('vault:key', { tabId: 3 }); // not tab-scoped: never swept
    area.data.set('frame:e', 'not an object');
    expect(await sweepTab(3, area)).toBe(3);
    expect([...area.data.keys()].sort()).toEqual(['frame:e', 'vault:key', 'view:d']);
  });
});
