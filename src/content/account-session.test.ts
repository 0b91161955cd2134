import { describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({
  default: { runtime: { id: 'ext-id', onMessage: { addListener: vi.fn() } } },
}));
const { isFromBackground, readAccountToken } = await import('./account-session');

const state = (meta: Record<string, unknown>) => JSON.stringify({ meta, compose: {}, accounts: {}, languages: [] });

describe('content account session (token hand-off)', () => {
  it('reads the account id and token fresh from the initial state', () => {
    expect(readAccountToken(state({ me: '42', access_token: 'tok_abcdefgh' }))).toEqual({
      accountId: '42',
      token: 'tok_abcdefgh',
    });
  });
  it('returns null for signed-out pages and malformed or hostile input, never throws', () => {
    for (const bad of [
      null,
      '',
      'not json',
      '[]',
      state({}),
      state({ me: '42' }),
      state({ me: 42, access_token: 'tok_abcdefgh' }),
      state({ me: '42', access_token: 'short' }),
      state({ me: '42', access_token: 'x'.repeat(600) }),
    ]) {
      expect(readAccountToken(bad)).toBeNull();
    }
  });
  it("answers only this extension's background, never a tab, a frame, the popup or another extension", () => {
    expect(isFromBackground({ id: 'ext-id', url: 'chrome-extension://ext-id/background.js' }, 'ext-id')).toBe(true);
    expect(
      isFromBackground({ id: 'ext-id', url: 'moz-extension://uuid/_generated_background_page.html' }, 'ext-id'),
    ).toBe(true);
    expect(isFromBackground({ id: 'ext-id', url: 'chrome-extension://ext-id/popup.html' }, 'ext-id')).toBe(false);
    expect(isFromBackground({ id: 'ext-id' }, 'ext-id')).toBe(false);
    expect(
      isFromBackground(
        {
          id: 'ext-id',
          url: 'chrome-extension://ext-id/background.js',
          tab: { id: 3, index: 0, highlighted: false, active: true, pinned: false, incognito: false },
        },
        'ext-id',
      ),
    ).toBe(false);
    expect(isFromBackground({ id: 'other' }, 'ext-id')).toBe(false);
    expect(isFromBackground({}, 'ext-id')).toBe(false);
  });
});
