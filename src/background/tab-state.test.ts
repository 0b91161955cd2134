/**
 * Which open tabs a revocation stops (instances.ts stopInOpenTabs over tab-state.ts tabsOn): the
 * tabs whose content script reported a page of a revoked origin, whatever port the page had
 * (permissions have none), read through the stored record's schema (a damaged record names no tab).
 */
import { describe, expect, it, vi } from 'vitest';

const world = vi.hoisted(() => ({
  session: new Map<string, unknown>(),
  sent: [] as { tabId: number; message: unknown; frameId: number | undefined }[],
}));

vi.mock('webextension-polyfill', () => ({
  default: {
    storage: {
      session: {
        get: (k: string | null) =>
          Promise.resolve(Object.fromEntries([...world.session].filter(([key]) => k === null || key === k))),
        set: (items: Record<string, unknown>) => {
          for (const [k, v] of Object.entries(items)) world.session.set(k, v);
          return Promise.resolve();
        },
        remove: (k: string) => {
          world.session.delete(k);
          return Promise.resolve();
        },
      },
    },
    tabs: {
      sendMessage: (tabId: number, message: unknown, options?: { frameId?: number }) => {
        world.sent.push({ tabId, message, frameId: options?.frameId });
        // A tab that navigated away has no listener: the promise rejects.
        return tabId === 13 ? Promise.reject(new Error('Receiving end does not exist')) : Promise.resolve();
      },
    },
  },
}));
vi.mock('./diagnostics', () => ({ record: () => undefined }));

const { getTabState, setTabState, tabsOn } = await import('./tab-state');
const { stopInOpenTabs } = await import('./instances');

const page = (domain: string) => ({
  domain,
  version: '4.5.0',
  generation: '4.5' as const,
  account: { id: '1', acct: 'bob', url: null, uri: null },
});

describe('tab state', () => {
  it('tabsOn names the tabs that reported a page of the origins, any port, and nothing damaged', async () => {
    world.session.clear();
    await setTabState(3, 'https://mastodon.example', page('mastodon.example'));
    await setTabState(4, 'http://127.0.0.1:4321', page('127.0.0.1'));
    await setTabState(5, 'https://other.example', page('other.example'));
    await setTabState(6, 'http://mastodon.example', page('mastodon.example')); // another scheme: another origin
    world.session.set('tab:7', { origin: 42, page: page('mastodon.example'), detectedAt: 1 }); // damaged
    world.session.set('tab:8', 'https://mastodon.example'); // not a record
    world.session.set('tab:x', { origin: 'https://mastodon.example', page: page('m'), detectedAt: 1 }); // not a tab id
    world.session.set('session:9', { origin: 'https://mastodon.example', tabId: 9 }); // not a tab record
    expect((await tabsOn(['https://mastodon.example', 'http://127.0.0.1'])).sort()).toEqual([3, 4]);
    expect(await tabsOn(['not an origin'])).toEqual([]);
    expect(await getTabState(7)).toBeNull();
    expect(await getTabState(3)).toMatchObject({ origin: 'https://mastodon.example' });
  });

  it('a revocation pushes content-stop to the top frame of each such tab; a tab that is gone costs nothing', async () => {
    world.session.clear();
    world.sent.length = 0;
    await setTabState(12, 'https://mastodon.example', page('mastodon.example'));
    await setTabState(13, 'https://mastodon.example:8443', page('mastodon.example'));
    await setTabState(14, 'https://other.example', page('other.example'));
    await stopInOpenTabs(['https://mastodon.example']);
    expect(world.sent.sort((a, b) => a.tabId - b.tabId)).toEqual([
      { tabId: 12, message: { type: 'hush/overlay-push', kind: 'content-stop' }, frameId: 0 },
      { tabId: 13, message: { type: 'hush/overlay-push', kind: 'content-stop' }, frameId: 0 },
    ]);
    world.sent.length = 0;
    await stopInOpenTabs([]);
    expect(world.sent).toEqual([]);
  });
});
