import { describe, expect, it } from 'vitest';
import { firstToken } from './tokens';

const account = { origin: 'https://a.test', accountId: '1' };

describe("firstToken (review R1: the inbox's reply-link check without a Mastodon tab)", () => {
  it("uses the page's token when a tab has one, else the inbox's own OAuth token", async () => {
    const page = { token: null as string | null };
    const pick = firstToken(
      () => Promise.resolve(page.token),
      () => Promise.resolve('oauth'),
    );
    expect(await pick(account)).toBe('oauth');
    page.token = 'page';
    expect(await pick(account)).toBe('page');
    expect(await firstToken(() => Promise.resolve(null))(account)).toBeNull();
  });

  it('is what the background gives the Reader for serverStatus (index.ts wiring)', async () => {
    // The wiring itself: index.ts builds the Reader with serverStatusVia(statusApi, firstToken(page, own)).
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(new URL('../index.ts', import.meta.url), 'utf8');
    expect(src).toMatch(/serverStatus: serverStatusVia\(\s*statusApi,\s*firstToken\(/);
  });
});
