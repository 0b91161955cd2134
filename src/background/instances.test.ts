import { describe, expect, it, vi } from 'vitest';

interface Registered {
  id: string;
}
const fake = {
  granted: [] as string[],
  registered: [] as Registered[],
  executed: [] as number[],
  tabs: [] as { id: number; url: string }[],
};
vi.mock('webextension-polyfill', () => ({
  default: {
    permissions: { getAll: () => Promise.resolve({ origins: fake.granted }) },
    scripting: {
      getRegisteredContentScripts: () => Promise.resolve([...fake.registered]),
      registerContentScripts: (s: Registered[]) => {
        fake.registered.push(...s.map((x) => ({ id: x.id })));
        return Promise.resolve();
      },
      unregisterContentScripts: ({ ids }: { ids: string[] }) => {
        fake.registered = fake.registered.filter((r) => !ids.includes(r.id));
        return Promise.resolve();
      },
      insertCSS: () => Promise.resolve(),
      executeScript: ({ target }: { target: { tabId: number } }) => {
        fake.executed.push(target.tabId);
        return Promise.resolve([]);
      },
    },
    tabs: {
      query: ({ url }: { url: string[] }) =>
        Promise.resolve(fake.tabs.filter((t) => url.some((u) => t.url.startsWith(u.slice(0, -1))))),
    },
  },
}));
vi.mock('./diagnostics', () => ({ record: () => undefined }));
const { injectIntoOpenTabs, originsFromPatterns, reconcileContentScripts, scriptIdFor } = await import('./instances');

describe('granted instances', () => {
  it('turns host permission patterns into origins, ignoring broad or odd patterns', () => {
    expect(
      originsFromPatterns([
        'https://mastodon.example/*',
        'http://127.0.0.1/*',
        'https://*/*',
        '<all_urls>',
        'https://x.example/path/*',
        'https://mastodon.example/*',
      ]),
    ).toEqual(['http://127.0.0.1', 'https://mastodon.example']);
  });
  it('names one content-script registration per origin', () => {
    expect(scriptIdFor('https://mastodon.example')).toBe('hush-instance:https://mastodon.example');
  });
  it('reports only the origins it registered, so a start-up injects into tabs that loaded before the registration', async () => {
    fake.granted = ['https://a.example/*', 'https://b.example/*'];
    fake.registered = [{ id: scriptIdFor('https://a.example') }, { id: scriptIdFor('https://gone.example') }];
    fake.tabs = [
      { id: 1, url: 'https://a.example/home' },
      { id: 2, url: 'https://b.example/home' },
      { id: 3, url: 'https://c.example/' },
    ];
    const added = await reconcileContentScripts();
    expect(added).toEqual(['https://b.example']);
    expect(fake.registered.map((r) => r.id).sort()).toEqual([
      scriptIdFor('https://a.example'),
      scriptIdFor('https://b.example'),
    ]);
    await injectIntoOpenTabs(added);
    // Tab 1 already had the registered script; tab 2 loaded while b.example had none.
    expect(fake.executed).toEqual([2]);
    expect(await reconcileContentScripts()).toEqual([]);
  });
});
