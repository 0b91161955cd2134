/**
 * The one session store (sessions.ts) on its own: one record per session id, the session table's
 * create/join rule enforced by the store itself (not only by the router), the frame binding, and
 * what survives a worker restart or a full storage.session.
 */
import { describe, expect, it, vi } from 'vitest';
import { SESSION_KIND_NAMES, SURFACES, mayCreate, mayJoin, type Surface } from '../messaging/sessions';
import type { SenderContext } from './senders';
import { FORBIDDEN, OFFERS_KEY, SessionStore, type SessionArea } from './sessions';

vi.mock('webextension-polyfill', () => ({ default: { runtime: {}, storage: {} } }));

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
  readonly text: string;
}
const isDraft = (v: unknown): v is Draft =>
  typeof v === 'object' && v !== null && typeof (v as Draft).text === 'string';

const TAB = 7;
const ORIGIN = 'chrome-extension://hush';
/** A sender as background/senders.ts classifies it, for each surface (frames get frameId 3 unless told). */
function as(surface: Surface, over: Partial<SenderContext> = {}): SenderContext {
  const s = SURFACES[surface];
  const base: SenderContext =
    s.kind === 'content'
      ? { kind: 'content', tabId: TAB, origin: 'https://b.test', path: '/home', frameId: 0 }
      : s.kind === 'frame'
        ? { kind: 'frame', tabId: TAB, origin: ORIGIN, path: s.path, frameId: 3 }
        : { kind: 'extension-page', tabId: null, origin: ORIGIN, path: s.path };
  return { ...base, ...over };
}
const ALL = Object.keys(SURFACES) as Surface[];

describe('the session table: one surface creates, one may only join', () => {
  it('each kind has exactly one creating surface and one joining surface, never the same', () => {
    for (const kind of SESSION_KIND_NAMES) {
      const creators = ALL.filter((s) => mayCreate(s, kind));
      const joiners = ALL.filter((s) => mayJoin(s, kind));
      expect(creators, kind).toEqual(['content']);
      expect(joiners, kind).toEqual([kind === 'editor' ? 'editor-frame' : 'view-frame']);
    }
    for (const s of ['popup', 'options', 'inbox'] as const)
      for (const kind of SESSION_KIND_NAMES) expect(mayCreate(s, kind) || mayJoin(s, kind), `${s} ${kind}`).toBe(false);
  });
});

describe('SessionStore', () => {
  it('a surface allowed only to join cannot create a session, and nothing is stored or offered', async () => {
    const area = memoryArea();
    const store = new SessionStore(() => area);
    for (const kind of SESSION_KIND_NAMES) {
      const sessions = store.of(kind, isDraft);
      for (const surface of ALL.filter((s) => !mayCreate(s, kind))) {
        expect(await sessions.create(as(surface), { text: 'x' }), `${surface} creating ${kind}`).toBe(FORBIDDEN);
      }
    }
    expect([...area.data.keys()]).toEqual([]);
    // The creator can, and then the joiner joins; the creator cannot join its own offer.
    const editors = store.of('editor', isDraft);
    const made = await editors.create(as('content'), { text: 'x' });
    if (made === FORBIDDEN) throw new Error('content may create');
    expect(await editors.join(made.offer, as('content'))).toBe(FORBIDDEN);
    expect(await editors.join(made.offer, as('view-frame'))).toBe(FORBIDDEN);
    expect(await editors.join(made.offer, as('popup'))).toBe(FORBIDDEN);
    expect(await editors.join(made.offer, as('editor-frame'))).toMatchObject({
      session: made.session,
      tabId: TAB,
      state: { text: 'x' },
    });
  });

  it('one id names one record: kind, tab, bound frame and state together; nothing else is keyed by the id', async () => {
    const area = memoryArea();
    const store = new SessionStore(
      () => area,
      null,
      () => 1000,
    );
    const views = store.of('view', isDraft);
    const made = await views.create(as('content'), { text: 'ciphertext' });
    if (made === FORBIDDEN) throw new Error('content may create');
    await views.join(made.offer, as('view-frame', { frameId: 9 }));
    const keyed = [...area.data.keys()].filter((k) => k.includes(made.session));
    expect(keyed).toEqual([`session:${made.session}`]);
    expect(area.data.get(`session:${made.session}`)).toEqual({
      kind: 'view',
      tabId: TAB,
      createdAt: 1000,
      frameId: 9,
      state: { text: 'ciphertext' },
    });
    // The offer list names the session, never under its id: the claimed offer is gone from it
    // (the list is written at the end of the turn).
    await new Promise((r) => setTimeout(r, 5));
    expect(area.data.get(OFFERS_KEY)).toEqual({});
  });

  it('only the bound frame uses a session; the creator only in its own tab; a kind is never read as another', async () => {
    const store = new SessionStore(() => memoryArea());
    const editors = store.of('editor', isDraft);
    const made = await editors.create(as('content'), { text: 'draft' });
    if (made === FORBIDDEN) throw new Error('content may create');
    expect(await editors.asJoiner(made.session, as('editor-frame'))).toBeNull(); // not joined yet
    await editors.join(made.offer, as('editor-frame', { frameId: 4 }));
    expect(await editors.asJoiner(made.session, as('editor-frame', { frameId: 4 }))).toMatchObject({
      state: { text: 'draft' },
    });
    expect(await editors.asJoiner(made.session, as('editor-frame', { frameId: 5 }))).toBeNull();
    expect(await editors.asJoiner(made.session, as('editor-frame', { frameId: 4, tabId: TAB + 1 }))).toBeNull();
    expect(await editors.asJoiner(made.session, as('view-frame', { frameId: 4 }))).toBeNull();
    expect(await editors.asJoiner(made.session, as('content'))).toBeNull();
    expect(await editors.asCreator(made.session, as('content'))).not.toBeNull();
    expect(await editors.asCreator(made.session, as('content', { tabId: TAB + 1 }))).toBeNull();
    expect(await editors.asCreator(made.session, as('editor-frame', { frameId: 4 }))).toBeNull();
    expect(await store.of('view', isDraft).get(made.session)).toBeNull();
    // A re-offer: only the content script of the tab; the new offer rebinds to the frame that claims it.
    expect(await store.reoffer(made.session, as('editor-frame', { frameId: 4 }))).toBe(FORBIDDEN);
    expect(await store.reoffer(made.session, as('popup'))).toBe(FORBIDDEN);
    expect(await store.reoffer(made.session, as('content', { tabId: TAB + 1 }))).toBeNull();
    const again = await store.reoffer(made.session, as('content'));
    if (again === null || again === FORBIDDEN) throw new Error('the content script of the tab may re-offer');
    await editors.join(again, as('editor-frame', { frameId: 6 }));
    expect(await editors.asJoiner(made.session, as('editor-frame', { frameId: 4 }))).toBeNull();
    expect(await editors.asJoiner(made.session, as('editor-frame', { frameId: 6 }))).not.toBeNull();
  });

  it('put replaces the state and keeps the binding; a closed session is not brought back by a late put', async () => {
    const store = new SessionStore(() => memoryArea());
    const editors = store.of('editor', isDraft);
    const made = await editors.create(as('content'), { text: 'a' });
    if (made === FORBIDDEN) throw new Error('content may create');
    await editors.join(made.offer, as('editor-frame'));
    expect(await editors.put(made.session, { text: 'ab' })).toBe(true);
    expect(await editors.asJoiner(made.session, as('editor-frame'))).toMatchObject({ state: { text: 'ab' } });
    await editors.close(made.session);
    expect(await editors.put(made.session, { text: 'abc' })).toBe(false);
    expect(await editors.get(made.session)).toBeNull();
  });

  it('an offer presented as the wrong kind (an editor offer joined from a view document) binds nothing and is spent', async () => {
    // The page can point the editor's iframe at view.html; the content script then offers the
    // editor session to that document, and the view frame may join views: only the kind stops it.
    const store = new SessionStore(() => memoryArea());
    const editors = store.of('editor', isDraft);
    const made = await editors.create(as('content'), { text: 'draft' });
    if (made === FORBIDDEN) throw new Error('content may create');
    await editors.join(made.offer, as('editor-frame', { frameId: 4 }));
    const again = await store.reoffer(made.session, as('content'));
    if (again === null || again === FORBIDDEN) throw new Error('the content script of the tab may re-offer');
    expect(await store.of('view', isDraft).join(again, as('view-frame', { frameId: 8 }))).toBeNull();
    expect(await editors.join(again, as('editor-frame', { frameId: 4 }))).toBeNull(); // spent
    // The editor frame keeps its binding; the view document got none.
    expect(await editors.asJoiner(made.session, as('editor-frame', { frameId: 4 }))).not.toBeNull();
    expect(await store.of('view', isDraft).asJoiner(made.session, as('view-frame', { frameId: 8 }))).toBeNull();
  });

  it('after a worker restart, a listing that overlaps a close does not bring the closed session back', async () => {
    const area = memoryArea();
    const before = new SessionStore(() => area);
    const made = await before.of('view', isDraft).create(as('content'), { text: 'x' });
    if (made === FORBIDDEN) throw new Error('content may create');
    await before.of('view', isDraft).join(made.offer, as('view-frame', { frameId: 9 }));
    const after = new SessionStore(() => area).of('view', isDraft); // a new worker: empty memory
    const listing = after.all(); // reads storage before the close below
    await after.close(made.session);
    await listing;
    expect(await after.asJoiner(made.session, as('view-frame', { frameId: 9 }))).toBeNull();
    expect(await after.get(made.session)).toBeNull();
  });

  it('a session (state and binding) written before a worker restart is there after it', async () => {
    const area = memoryArea();
    const before = new SessionStore(() => area);
    const made = await before.of('editor', isDraft).create(as('content'), { text: 'half a sentence' });
    if (made === FORBIDDEN) throw new Error('content may create');
    await before.of('editor', isDraft).join(made.offer, as('editor-frame'));
    const after = new SessionStore(() => area).of('editor', isDraft); // a new worker: empty memory
    expect(await after.asJoiner(made.session, as('editor-frame'))).toEqual({
      tabId: TAB,
      state: { text: 'half a sentence' },
    });
    expect((await after.all()).map(([id]) => id)).toEqual([made.session]);
  });

  it('a stored record of the wrong shape, or whose state fails its kind, is absent', async () => {
    const area = memoryArea();
    area.data.set('session:bad', { kind: 'editor', tabId: '7', createdAt: 1, state: { text: 'x' } });
    area.data.set('session:odd', { kind: 'editor', tabId: 7, createdAt: 1, state: { text: 1 } });
    const editors = new SessionStore(() => area).of('editor', isDraft);
    expect(await editors.get('bad')).toBeNull();
    expect(await editors.get('odd')).toBeNull();
    expect(await editors.all()).toEqual([]);
  });

  it('a full storage.session keeps the session in memory instead of failing the request', async () => {
    const area = memoryArea();
    const set = area.set.bind(area);
    area.set = (items) =>
      Object.keys(items).some((k) => k.startsWith('session:'))
        ? Promise.reject(new Error('QUOTA_BYTES quota exceeded'))
        : set(items);
    const editors = new SessionStore(() => area).of('editor', isDraft);
    const made = await editors.create(as('content'), { text: 'x' });
    if (made === FORBIDDEN) throw new Error('content may create');
    expect(await editors.get(made.session)).toEqual({ tabId: TAB, state: { text: 'x' } });
  });

  it("sweepTab removes a closed tab's sessions (records, memory, offers) and nothing else", async () => {
    const area = memoryArea();
    area.data.set('session:old', { kind: 'view', tabId: TAB, createdAt: 1, state: { text: 'before a restart' } });
    area.data.set('vault:key', { tabId: TAB }); // not a session: never swept
    const store = new SessionStore(() => area);
    const views = store.of('view', isDraft);
    const mine = await views.create(as('content'), { text: 'x' });
    const other = await views.create(as('content', { tabId: TAB + 1 }), { text: 'y' });
    if (mine === FORBIDDEN || other === FORBIDDEN) throw new Error('content may create');
    expect(await store.sweepTab(TAB)).toBe(2);
    expect(await views.get(mine.session)).toBeNull();
    expect(await views.join(mine.offer, as('view-frame'))).toBeNull();
    expect([...area.data.keys()].sort()).toEqual([OFFERS_KEY, `session:${other.session}`, 'vault:key']);
    expect(await views.join(other.offer, as('view-frame', { tabId: TAB + 1 }))).not.toBeNull();
  });
});
