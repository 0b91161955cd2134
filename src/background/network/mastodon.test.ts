import { describe, expect, it } from 'vitest';
import { MastodonApi, nextCursor, streamingBaseOf } from './mastodon';

const json = (body: unknown, init: ResponseInit = {}): Response => new Response(JSON.stringify(body), init);
const TOKEN = 'token-123456';

describe('MastodonApi: one client for the key store and the inbox', () => {
  it('a 404 is "no such account" for an account lookup only; elsewhere the status stays (the inbox reports it)', async () => {
    const api = new MastodonApi(() => Promise.resolve(new Response(null, { status: 404 })));
    expect(await api.lookup('https://a.test', 'bob@b.test')).toMatchObject({ ok: false, kind: 'not_found' });
    expect(await api.resolve('https://a.test', 'bob@b.test', TOKEN)).toMatchObject({ ok: false, kind: 'not_found' });
    expect(await api.status('https://a.test', TOKEN, '1')).toMatchObject({ ok: false, kind: 'status', status: 404 });
    expect(await api.markRead('https://a.test', TOKEN, '1')).toMatchObject({ ok: false, kind: 'status', status: 404 });
  });

  it('conversations: the next page from the Link header, only when the page was not empty', async () => {
    const conv = { id: '5', unread: true, accounts: [{ id: '2', acct: 'bob@b.test' }], last_status: null };
    const link =
      '<https://a.test/api/v1/conversations?max_id=41>; rel="next", <https://a.test/api/v1/conversations?min_id=50>; rel="prev"';
    const asked: string[] = [];
    const api = new MastodonApi((url) => {
      asked.push(url);
      return Promise.resolve(json(url.includes('max_id=41') ? [] : [conv], { headers: { link } }));
    });
    expect(await api.conversations('https://a.test', TOKEN, null)).toEqual({
      ok: true,
      value: { items: [conv], next: '41' },
    });
    expect(await api.conversations('https://a.test', TOKEN, '41')).toEqual({
      ok: true,
      value: { items: [], next: null },
    });
    expect(asked).toEqual([
      'https://a.test/api/v1/conversations?limit=40',
      'https://a.test/api/v1/conversations?limit=40&max_id=41',
    ]);
  });

  it('nextCursor refuses anything but a plain id', () => {
    expect(nextCursor(undefined)).toBeNull();
    expect(nextCursor('<https://a.test/x?max_id=12>; rel="next"')).toBe('12');
    expect(nextCursor('<https://a.test/x?max_id=1%202>; rel="next"')).toBeNull();
    expect(nextCursor('<not a url>; rel="next"')).toBeNull();
    expect(nextCursor('<https://a.test/x?max_id=12>; rel="prev"')).toBeNull();
  });

  it('instance: domain, max_characters and a streaming URL only when it is a bare ws(s) origin', async () => {
    const answer = (streaming: string) =>
      new MastodonApi(() =>
        Promise.resolve(
          json({ domain: 'A.test', configuration: { urls: { streaming }, statuses: { max_characters: 1000 } } }),
        ),
      );
    expect(await answer('wss://a.test').instance('https://a.test')).toEqual({
      ok: true,
      value: { domain: 'a.test', maxChars: 1000, streaming: 'wss://a.test' },
    });
    expect(await answer('wss://a.test/evil path').instance('https://a.test')).toMatchObject({
      ok: true,
      value: { streaming: null },
    });
    expect(await answer('wss://a.test').domain('https://a.test')).toEqual({ ok: true, value: 'a.test' });
  });

  it('account search sends resolve only when asked and shape-checks every account', async () => {
    const asked: string[] = [];
    const acct = { id: '2', username: 'bob', acct: 'bob@b.test', url: null, uri: 'https://b.test/users/bob' };
    const api = new MastodonApi((url) => {
      asked.push(url);
      return Promise.resolve(json(url.includes('q=bad') ? [{ id: '3' }] : [acct]));
    });
    expect(await api.searchAccounts('https://a.test', 'bob@b.test', TOKEN, true)).toEqual({
      ok: true,
      value: [{ ...acct, fields: [] }],
    });
    expect(await api.searchAccounts('https://a.test', 'bad', TOKEN)).toMatchObject({ ok: false, kind: 'bad_shape' });
    expect(asked[0]).toBe('https://a.test/api/v1/accounts/search?q=bob%40b.test&resolve=true&limit=5');
    expect(asked[1]).toContain('resolve=false');
  });
});

describe('streamingBaseOf (review R2: the instance names where the inbox sends its token)', () => {
  it("accepts wss:// on the instance or on a separate streaming host (Mastodon's STREAMING_API_BASE_URL)", () => {
    expect(streamingBaseOf('https://a.example', 'wss://a.example')).toBe('wss://a.example');
    expect(streamingBaseOf('https://a.example', 'wss://streaming.a.example/')).toBe('wss://streaming.a.example');
    expect(streamingBaseOf('http://127.0.0.1:3001', 'ws://127.0.0.1:3001')).toBe('ws://127.0.0.1:3001');
  });

  it('refuses cleartext ws:// for an https instance, ws:// to another host, paths, credentials and other schemes', () => {
    // Attack: the instance answers /api/v2/instance with ws:// (the token would cross the network in clear).
    expect(streamingBaseOf('https://a.example', 'ws://a.example')).toBeNull();
    expect(streamingBaseOf('http://127.0.0.1:3001', 'ws://evil.example')).toBeNull();
    expect(streamingBaseOf('https://a.example', 'wss://evil.example/collect')).toBeNull();
    expect(streamingBaseOf('https://a.example', 'wss://user:pw@a.example')).toBeNull();
    expect(streamingBaseOf('https://a.example', 'https://a.example')).toBeNull();
    expect(streamingBaseOf('https://a.example', null)).toBeNull();
  });

  it('instance() passes the streaming URL through the check', async () => {
    const api = new MastodonApi(() =>
      Promise.resolve(
        new Response(
          JSON.stringify({ domain: 'a.example', configuration: { urls: { streaming: 'ws://a.example' } } }),
          { headers: { 'content-type': 'application/json' } },
        ),
      ),
    );
    const r = await api.instance('https://a.example');
    expect(r.ok && r.value.streaming).toBeNull();
  });
});
