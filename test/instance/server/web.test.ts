// The page shell, headers, sessions and SSE streaming.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, openWebSocket, post, startTestFederation, user, type TestFed } from './test-helpers.ts';

let t: TestFed;
beforeAll(async () => {
  t = await startTestFederation();
});
afterAll(() => t.fed.stop());

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function initialState(html: string): any {
  const m = /<script id="initial-state" type="application\/json">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m?.[1] ?? 'null');
}

describe('page shell', () => {
  it("?as= sets a session cookie; the cookie then serves that user's shell on every web route", async () => {
    const first = await fetch(`${t.a.origin}/?as=alice`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('/home');
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    for (const path of ['/home', '/conversations', '/notifications', '/publish', '/@bob@b.test', '/@alice/123']) {
      const res = await fetch(`${t.a.origin}${path}`, { headers: { cookie } });
      const state = initialState(await res.text());
      expect([path, state.meta.me, state.meta.access_token]).toEqual([
        path,
        user(t.a, 'alice').id,
        user(t.a, 'alice').token,
      ]);
    }
  });

  it("has Mastodon's structure and initial state keys", async () => {
    const html = await (await fetch(`${t.a.origin}/conversations?as=carol&visibility=direct&text=hi`)).text();
    expect(html).toContain(
      '<div class="app-holder notranslate" id="mastodon" data-props="{&quot;locale&quot;:&quot;en&quot;}"><noscript>',
    );
    expect(html).toContain('<body class="app-body layout-single-column">');
    expect(html).toContain('<meta name="initialPath" content="/conversations">');
    expect(html).toMatch(/<meta name="style-nonce" content="[^"]+">/);
    expect(html).toMatch(/<meta name="csrf-token" content="[^"]+">/);
    expect(html).toContain('<script src="/packs/app.js" type="module" crossorigin="anonymous"></script>');
    expect(html.match(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/g)).toBeNull(); // no inline scripts
    const state = initialState(html);
    expect(Object.keys(state)).toEqual(
      expect.arrayContaining(['meta', 'compose', 'accounts', 'languages', 'settings', 'media_attachments']),
    );
    expect(state.meta).toMatchObject({
      domain: 'a.test',
      version: '4.8.0',
      locale: 'en',
      streaming_api_base_url: t.a.origin.replace('http:', 'ws:'),
      title: 'a.test',
    });
    expect(state.compose).toMatchObject({ me: user(t.a, 'carol').id, default_privacy: 'direct', text: 'hi' });
    expect(state.accounts[user(t.a, 'carol').id].source).toBeDefined();
  });

  it('sends the production CSP with a fresh nonce matching the meta tag', async () => {
    const res = await fetch(`${t.a.origin}/home?as=alice`);
    const html = await res.text();
    const nonce = /<meta name="style-nonce" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(res.headers.get('content-security-policy')).toBe(
      `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'nonce-${nonce}'; img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self'; connect-src 'self' data: blob: ${t.a.origin.replace('http:', 'ws:')}; frame-src 'self' https:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; manifest-src 'self'; child-src 'self' blob:; worker-src 'self' blob:`,
    );
    const again = await fetch(`${t.a.origin}/home?as=alice`);
    expect(again.headers.get('content-security-policy')).not.toContain(nonce);
  });

  it('switches meta.version at run time and escapes the state JSON', async () => {
    t.a.setUiVersion('4.4.0');
    await call(t.a.origin, user(t.a, 'carol').token, 'PATCH', '/api/v1/accounts/update_credentials', {
      display_name: '</script><b>',
    });
    const html = await (await fetch(`${t.a.origin}/home?as=carol`)).text();
    t.a.setUiVersion('4.8.0');
    expect(html).not.toContain('</script><b>');
    const state = initialState(html);
    expect(state.meta.version).toBe('4.4.0');
    expect(state.accounts[user(t.a, 'carol').id].display_name).toBe('</script><b>');
  });

  it('serves a signed-out shell without token and 404s an unknown ?as=', async () => {
    const state = initialState(await (await fetch(`${t.a.origin}/about`)).text());
    expect(state.meta.access_token).toBeNull();
    expect(state.meta.me).toBeUndefined();
    expect((await fetch(`${t.a.origin}/home?as=mallory`)).status).toBe(404);
  });

  it('refuses path traversal under /packs/', async () => {
    expect((await fetch(`${t.a.origin}/packs/..%2F..%2Fserver%2Fdb.ts`)).status).toBe(404);
  });

  it('webfinger as WellKnown::WebfingerController answers it', async () => {
    const r = await call(t.a.origin, null, 'GET', '/.well-known/webfinger?resource=acct:alice@a.test');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/jrd+json; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('max-age=259200, public');
    expect(r.json).toEqual({
      subject: 'acct:alice@a.test',
      aliases: [`${t.a.origin}/@alice`, `${t.a.origin}/users/alice`],
      links: [
        { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: `${t.a.origin}/@alice` },
        { rel: 'self', type: 'application/activity+json', href: `${t.a.origin}/users/alice` },
        { rel: 'http://ostatus.org/schema/1.0/subscribe', template: `${t.a.origin}/authorize_interaction?uri={uri}` },
        { rel: 'https://w3id.org/fep/3b86/Create', template: `${t.a.origin}/share?text={content}` },
        { rel: 'https://w3id.org/fep/3b86/Object', template: `${t.a.origin}/authorize_interaction?uri={object}` },
      ],
    });
    // Same answer for the web domain, a profile URL, an actor URL, and any letter case.
    const host = new URL(t.a.origin).host;
    for (const res of [`acct:ALICE@${host}`, 'alice@a.test', `${t.a.origin}/@alice`, `${t.a.origin}/users/alice`]) {
      const other = await call(t.a.origin, null, 'GET', `/.well-known/webfinger?resource=${encodeURIComponent(res)}`);
      expect([res, other.json?.subject]).toEqual([res, 'acct:alice@a.test']);
    }
  });

  it('webfinger: 400 without a resource, 404 for unknown or non-local accounts, CORS for GET', async () => {
    const status = async (q: string): Promise<number> =>
      (await fetch(`${t.a.origin}/.well-known/webfinger${q}`)).status;
    expect(await status('')).toBe(400);
    expect(await status('?resource=')).toBe(400);
    expect(await status('?resource=alice')).toBe(400);
    expect(await status('?resource=acct:nobody@a.test')).toBe(404);
    // bob is known to a.test once resolved, but WebFinger speaks only for local accounts.
    await call(t.a.origin, user(t.a, 'alice').token, 'GET', '/api/v2/search?q=bob@b.test&resolve=true&type=accounts');
    expect(await status('?resource=acct:bob@b.test')).toBe(404);
    const notFound = await fetch(`${t.a.origin}/.well-known/webfinger?resource=acct:nobody@a.test`, {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect([notFound.status, await notFound.text(), notFound.headers.get('access-control-allow-origin')]).toEqual([
      404,
      '',
      '*',
    ]);
    const pre = await fetch(`${t.a.origin}/.well-known/webfinger?resource=acct:alice@a.test`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://elsewhere.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'accept',
      },
    });
    expect([
      pre.status,
      pre.headers.get('access-control-allow-origin'),
      pre.headers.get('access-control-allow-methods'),
    ]).toEqual([200, '*', 'GET']);
  });
});

describe('streaming (SSE)', () => {
  it('user stream: update, notification, status.update, delete; direct stream: conversation', async () => {
    const carol = user(t.a, 'carol');
    const us = await openStream(t.a.origin, carol.token, 'user');
    const ds = await openStream(t.a.origin, carol.token, 'direct');
    const s = await post(t.a, 'alice', { status: '@carol live', visibility: 'direct' });
    expect(JSON.parse((await us.next((e) => e.event === 'update')).data)).toMatchObject({
      id: s.id,
      visibility: 'direct',
    });
    expect(JSON.parse((await us.next((e) => e.event === 'notification')).data)).toMatchObject({
      type: 'mention',
      status: { id: s.id },
    });
    expect(JSON.parse((await ds.next((e) => e.event === 'conversation')).data)).toMatchObject({
      unread: true,
      last_status: { id: s.id },
    });
    await call(t.a.origin, user(t.a, 'alice').token, 'PUT', `/api/v1/statuses/${s.id}`, { status: '@carol live!' });
    expect(JSON.parse((await us.next((e) => e.event === 'status.update')).data)).toMatchObject({ id: s.id });
    await call(t.a.origin, user(t.a, 'alice').token, 'DELETE', `/api/v1/statuses/${s.id}`);
    expect((await us.next((e) => e.event === 'delete')).data).toBe(s.id);
    us.close();
    ds.close();
  });

  it('rejects a stream without a valid token', async () => {
    expect((await fetch(`${t.a.origin}/api/v1/streaming/user?access_token=bad`)).status).toBe(401);
  });
});

describe('streaming (WebSocket, as stream.js uses it)', () => {
  it('one connection, token as subprotocol, subscribe by message; events carry stream, event and a string payload', async () => {
    const carol = user(t.a, 'carol');
    const ws = await openWebSocket(t.a.origin, '/api/v1/streaming/?', carol.token);
    expect(ws.status).toBe(101);
    expect(ws.headers['sec-websocket-protocol']).toBe(carol.token);
    ws.send({ type: 'subscribe', stream: 'user' });
    ws.send({ type: 'subscribe', stream: 'direct' });
    await new Promise((r) => setTimeout(r, 50));
    const s = await post(t.a, 'alice', { status: '@carol over websocket', visibility: 'direct' });
    const update = await ws.next((m) => m.event === 'update');
    expect(update.stream).toEqual(['user']);
    expect(JSON.parse(update.payload ?? '')).toMatchObject({ id: s.id, visibility: 'direct' });
    expect(JSON.parse((await ws.next((m) => m.event === 'notification')).payload ?? '')).toMatchObject({
      type: 'mention',
      status: { id: s.id },
    });
    const conv = await ws.next((m) => m.event === 'conversation');
    expect(conv.stream).toEqual(['direct']);
    expect(JSON.parse(conv.payload ?? '')).toMatchObject({ last_status: { id: s.id } });
    ws.send({ type: 'unsubscribe', stream: 'direct' });
    await new Promise((r) => setTimeout(r, 50));
    await call(t.a.origin, user(t.a, 'alice').token, 'DELETE', `/api/v1/statuses/${s.id}`);
    expect(await ws.next((m) => m.event === 'delete')).toEqual({ stream: ['user'], event: 'delete', payload: s.id });
    ws.send({ type: 'subscribe', stream: 'nonsense' });
    expect(await ws.next((m) => m.error !== undefined)).toEqual({ error: 'Unknown stream type', status: 400 });
    expect(ws.pending().filter((m) => m.event === 'conversation')).toEqual([]);
    ws.close();
    expect(await ws.closed).toBe(1000);
  });

  it('?stream= subscribes at once; access_token works too; the upgrade is in the request log', async () => {
    const alice = user(t.a, 'alice');
    await t.a.adversary.clearRequestLog();
    const ws = await openWebSocket(
      t.a.origin,
      `/api/v1/streaming?stream=user&access_token=${encodeURIComponent(alice.token)}`,
    );
    expect(ws.status).toBe(101);
    await new Promise((r) => setTimeout(r, 50));
    const s = await post(t.a, 'alice', { status: 'public hello' });
    expect(JSON.parse((await ws.next((m) => m.event === 'update')).payload ?? '')).toMatchObject({ id: s.id });
    expect((await t.a.adversary.requestLog())[0]).toMatchObject({
      path: '/api/v1/streaming',
      websocket: true,
      account: 'alice',
      hasToken: true,
    });
    ws.close();
  });

  it('refuses a missing or invalid token with 401 and X-Error-Message, as the streaming server does', async () => {
    const none = await openWebSocket(t.a.origin, '/api/v1/streaming');
    expect([none.status, none.headers['x-error-message']]).toEqual([401, 'Missing access token']);
    const bad = await openWebSocket(t.a.origin, '/api/v1/streaming', 'nope');
    expect([bad.status, bad.headers['x-error-message']]).toEqual([401, 'Invalid access token']);
  });

  it("follows the adversary's network faults", async () => {
    const alice = user(t.a, 'alice');
    await t.a.adversary.setNetworkBehaviour('/api/v1/streaming', 'down');
    expect((await openWebSocket(t.a.origin, '/api/v1/streaming', alice.token)).status).toBe(503);
    await t.a.adversary.setNetworkBehaviour('/api/v1/streaming', 'reset');
    await expect(openWebSocket(t.a.origin, '/api/v1/streaming', alice.token)).rejects.toThrow();
    await t.a.adversary.reset();
  });
});
