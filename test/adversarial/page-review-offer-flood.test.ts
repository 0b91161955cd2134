/**
 * Independent review (attacker: the page). Every trusted `load` of a Hush frame makes the content
 * script ask `frame/reoffer`, and the background makes a new one-time offer without dropping the
 * session's earlier unclaimed ones. The page can make loads at will: it navigates a Hush iframe
 * (its `src`, or `contentWindow.location`) to a page of its own origin, where the offer posted to
 * the extension origin is dropped, so the offer stays live for a minute. Live offers are capped at
 * 2,000 for the WHOLE browser, oldest evicted first: a page that makes 2,000 loads a minute evicts
 * the offers of every other tab's frames before they can claim them (those frames say "no
 * session" after 10 s): one instance's page breaks Hush in every tab.
 *
 * Secure behaviour asserted: re-offers for one tab's session cannot evict another tab's live
 * offer. Failed before the fix; now one live offer per session, and the fullest tab loses first.
 */
import { describe, expect, it, vi } from 'vitest';

const world = vi.hoisted(() => {
  const area = () => {
    const m = new Map<string, unknown>();
    return {
      m,
      get: (keys?: string | string[] | null) => {
        const list = keys === undefined || keys === null ? [...m.keys()] : typeof keys === 'string' ? [keys] : keys;
        return Promise.resolve(
          Object.fromEntries(list.filter((k) => m.has(k)).map((k) => [k, structuredClone(m.get(k))])),
        );
      },
      set: (items: Record<string, unknown>) => {
        for (const [k, v] of Object.entries(items)) m.set(k, structuredClone(v));
        return Promise.resolve();
      },
      remove: (keys: string | string[]) => {
        for (const k of typeof keys === 'string' ? [keys] : keys) m.delete(k);
        return Promise.resolve();
      },
    };
  };
  return { local: area(), session: area() };
});

vi.mock('webextension-polyfill', () => ({
  default: { runtime: {}, storage: { local: world.local, session: world.session } },
}));

const { OFFERS_KEY, SessionStore } = await import('../../src/background/sessions');

const content = (tabId: number) => ({
  kind: 'content' as const,
  tabId,
  origin: 'https://b.test',
  path: '/',
  frameId: 0,
});
const viewFrame = (tabId: number, frameId: number) => ({
  kind: 'frame' as const,
  tabId,
  origin: 'chrome-extension://hush',
  path: '/frames/view.html',
  frameId,
});
const isAny = (v: unknown): v is unknown => v !== undefined;

describe('review: offers are a browser-wide pool one page can drain', () => {
  it("2,100 re-offers for the hostile tab's frame do not evict the offer another tab's view is about to claim", async () => {
    const OTHER_TAB = 3;
    const HOSTILE_TAB = 9;
    const store = new SessionStore(
      () => world.session,
      () => world.local,
    );
    const views = store.of('view', isAny);
    const other = await views.create(content(OTHER_TAB), {});
    const hostile = await views.create(content(HOSTILE_TAB), {});
    if (typeof other !== 'object' || typeof hostile !== 'object') throw new Error('a content script may create views');
    // The hostile page reloads its Hush frame to pages of its own origin, 2,100 times within a minute.
    for (let i = 0; i < 2_100; i++) expect(await store.reoffer(hostile.session, content(HOSTILE_TAB))).not.toBeNull();
    // The other tab's view frame finishes loading and claims its offer.
    const claimed = await views.join(other.offer, viewFrame(OTHER_TAB, 4));
    const refused = claimed === null || typeof claimed !== 'object';
    console.log(`[review] other tab's claim after the flood: ${refused ? 'REFUSED (offer evicted)' : 'ok'}`);
    expect(refused ? null : claimed.session).toBe(other.session);
  });

  it("2,100 live offers of distinct sessions in the hostile tab do not evict the other tab's offer", async () => {
    // One live offer per session: re-offers alone never pass MAX_OFFERS (2026-12-08 review, F3).
    // Distinct sessions do (a page drawing statuses or forms at will), so eviction itself must be fair.
    world.session.m.clear();
    world.local.m.clear();
    const OTHER_TAB = 3;
    const HOSTILE_TAB = 9;
    const store = new SessionStore(
      () => world.session,
      () => world.local,
    );
    const views = store.of('view', isAny);
    const other = await views.create(content(OTHER_TAB), {});
    if (typeof other !== 'object') throw new Error('a content script may create views');
    for (let batch = 0; batch < 21; batch++) {
      // 100 at once, as a page drawing 100 statuses gets them (one offers write per batch).
      const made = await Promise.all(Array.from({ length: 100 }, () => views.create(content(HOSTILE_TAB), {})));
      expect(made.every((m) => typeof m === 'object')).toBe(true);
    }
    const listed = Object.keys(world.session.m.get(OFFERS_KEY) ?? {}).length;
    expect(listed).toBeLessThanOrEqual(2_000); // eviction ran
    const claimed = await views.join(other.offer, viewFrame(OTHER_TAB, 4));
    expect(claimed !== null && typeof claimed === 'object' ? claimed.session : null).toBe(other.session);
  });
});
