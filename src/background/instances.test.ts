import { describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({ default: {} }));
const { originsFromPatterns, scriptIdFor } = await import('./instances');

describe('granted instances', () => {
  it('turns host permission patterns into origins, ignoring broad or odd patterns', () => {
    expect(originsFromPatterns(['https://mastodon.example/*', 'http://127.0.0.1/*', 'https://*/*', '<all_urls>', 'https://x.example/path/*', 'https://mastodon.example/*']))
      .toEqual(['http://127.0.0.1', 'https://mastodon.example']);
  });
  it('names one content-script registration per origin', () => {
    expect(scriptIdFor('https://mastodon.example')).toBe('hush-instance:https://mastodon.example');
  });
});
