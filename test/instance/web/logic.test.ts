// Unit tests (Node) for the web UI's pure logic: counting, tokens, generations, routes, guards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextLink } from './api';
import { codePointLength, countableText, countedLength } from './compose/counter';
import { replyPrivacy } from './compose/state';
import { tokenAtCaret } from './compose/tokens';
import { generationFor, visibilityButtonLabel } from './generations';
import { parseAccount, parseConversation, parseNotificationsV2, parseNotificationV1, parseStatus } from './model';
import { matchRoute } from './router';

describe('character counting (counter.js + stringz)', () => {
  it('counts a URL as 23 and @user@domain as @user', () => {
    expect(countableText('see https://example.com/a/very/long/path?q=1 now')).toBe(`see ${'x'.repeat(23)} now`);
    expect(countableText('@bob@b.test hi')).toBe('@bob hi');
    expect(countedLength('@bob@b.test hello', '', false)).toBe('@bob hello'.length);
  });
  it('counts code points, and the spoiler only when CW is on', () => {
    expect(codePointLength('😀é')).toBe(2);
    expect(countedLength('abc', 'warning', false)).toBe(3);
    expect(countedLength('abc', 'warning', true)).toBe(10);
  });
});

describe('autosuggest tokens', () => {
  it('needs 3+ characters starting with a trigger', () => {
    expect(tokenAtCaret('hi @xy', 6)).toEqual({ start: 3, token: '@xy' });
    expect(tokenAtCaret('hi @x', 5)).toBeNull();
    expect(tokenAtCaret('hi there', 8)).toBeNull();
    expect(tokenAtCaret('@bob@b.test rest', 4)).toEqual({ start: 0, token: '@bob@b.test' });
  });
});

describe('generations from meta.version', () => {
  it('picks modal (4.5+) or dropdown (4.3-4.4) and the per-version labels', () => {
    for (const v of ['4.5.0', '4.8.0-alpha.1', '5.0.0', 'nonsense'])
      expect(generationFor(v).visibilityControl).toBe('modal');
    for (const v of ['4.3.0', '4.4.0', '4.4.3+glitch', '4.2.10'])
      expect(generationFor(v).visibilityControl).toBe('dropdown');
    expect(generationFor('4.3.0').visibilityShort.direct).toBe('Specific people');
    expect(generationFor('4.4.0').visibilityShort.direct).toBe('Private mention');
    expect(generationFor('4.3.0').compactSubmit).toBe(false);
    expect(generationFor('4.6.0').formRegion).toBe(true);
    expect(visibilityButtonLabel(generationFor('4.8.0'), 'public')).toBe('Public, quotes allowed');
    expect(visibilityButtonLabel(generationFor('4.8.0'), 'direct')).toBe('Private mention');
  });
});

describe('reply visibility (privacyPreference)', () => {
  it('takes the more restrictive of parent and default', () => {
    expect(replyPrivacy('direct', 'public')).toBe('direct');
    expect(replyPrivacy('public', 'private')).toBe('private');
    expect(replyPrivacy('unlisted', 'public')).toBe('unlisted');
  });
});

describe('routes', () => {
  it('maps Mastodon web paths to columns', () => {
    expect(matchRoute('/')).toEqual({ name: 'home' });
    expect(matchRoute('/timelines/direct')).toEqual({ name: 'conversations' });
    expect(matchRoute('/@bob@b.test/123')).toEqual({ name: 'thread', acct: 'bob@b.test', statusId: '123' });
    expect(matchRoute('/@alice')).toEqual({ name: 'profile', acct: 'alice' });
    expect(matchRoute('/settings/profile').name).toBe('not-found');
  });
});

describe('Link header', () => {
  it('follows only same-origin rel="next"', () => {
    const o = 'http://127.0.0.1:3001';
    expect(
      nextLink(`<${o}/api/v1/conversations?max_id=5>; rel="next", <${o}/api/v1/conversations?min_id=9>; rel="prev"`, o),
    ).toBe('/api/v1/conversations?max_id=5');
    expect(nextLink('<https://evil.example/x>; rel="next"', o)).toBeNull();
    expect(nextLink(null, o)).toBeNull();
  });
});

describe('guards on hostile JSON', () => {
  it('never throw, and keep only well-typed objects', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        for (const parse of [parseStatus, parseAccount, parseConversation, parseNotificationV1, parseNotificationsV2]) {
          const out = parse(v);
          expect(out === null || typeof out === 'object').toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
  it('rejects a status without an id or account, defaults unknown visibility', () => {
    expect(parseStatus({ account: { id: '1', username: 'a', acct: 'a' } })).toBeNull();
    const s = parseStatus({
      id: '9',
      visibility: 'secret',
      account: { id: '1', username: 'a', acct: 'a' },
      mentions: [{ id: 2 }],
    });
    expect(s?.visibility).toBe('public');
    expect(s?.mentions).toEqual([]);
  });
  it('joins grouped v2 notifications with their accounts and statuses', () => {
    const account = { id: '1', username: 'a', acct: 'a@x' };
    const n = parseNotificationsV2({
      accounts: [account],
      statuses: [{ id: '5', account, visibility: 'direct' }],
      notification_groups: [
        { group_key: 'ungrouped-1', type: 'mention', status_id: '5', sample_account_ids: ['1'] },
        { type: 'x' },
      ],
    });
    expect(n).toHaveLength(1);
    expect(n?.[0]?.status?.visibility).toBe('direct');
    expect(n?.[0]?.account?.acct).toBe('a@x');
  });
});
