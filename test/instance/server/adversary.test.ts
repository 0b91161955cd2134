// Each adversary switch, through the typed admin client on the separate admin port.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, post, startTestFederation, user, type TestFed } from './test-helpers.ts';

let t: TestFed;
beforeAll(async () => {
  t = await startTestFederation();
});
afterEach(async () => {
  await t.a.adversary.reset();
  await t.b.adversary.reset();
});
afterAll(() => t.fed.stop());

const convStatusUris = async (token: string): Promise<string[]> =>
  ((await call(t.b.origin, token, 'GET', '/api/v1/conversations')).json as { last_status: { uri: string } }[]).map(
    (c) => c.last_status.uri,
  );

describe('adversary admin API', () => {
  it('is not reachable on the public port', async () => {
    expect((await call(t.a.origin, null, 'GET', '/admin/state')).status).toBe(404);
    expect(t.a.adminOrigin).not.toBe(t.a.origin);
    expect((await t.a.adversary.state()).deliveryMode).toBe('pass');
  });

  it('swaps a cached remote profile field (key substitution) without touching the home instance', async () => {
    const alice = user(t.a, 'alice');
    await call(t.b.origin, user(t.b, 'bob').token, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: [{ name: 'hush', value: 'real-key' }],
    });
    await call(t.a.origin, alice.token, 'GET', '/api/v2/search?q=bob@b.test&resolve=true&type=accounts');
    await t.a.adversary.swapRemoteField('bob@b.test', 'hush', 'evil-key');
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob@b.test')).json.fields).toMatchObject([
      { name: 'hush', value: 'evil-key' },
    ]);
    expect((await call(t.b.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob')).json.fields).toMatchObject([
      { name: 'hush', value: 'real-key' },
    ]);
    await expect(t.a.adversary.swapRemoteField('alice', 'hush', 'x')).rejects.toThrow(/not a remote account/);
  });

  it("changes a local user's field behind their back; remote caches follow only on resolve", async () => {
    await t.b.adversary.setLocalField('dave', 'hush', 'planted');
    const dave = user(t.b, 'dave');
    expect(
      (await call(t.b.origin, dave.token, 'GET', '/api/v1/accounts/verify_credentials')).json.source.fields,
    ).toEqual([{ name: 'hush', value: 'planted', verified_at: null }]);
    const resolved = await call(
      t.a.origin,
      user(t.a, 'alice').token,
      'GET',
      '/api/v1/accounts/search?q=dave@b.test&resolve=true',
    );
    expect(resolved.json[0].fields[0].value).toBe('planted');
  });

  it('forges a status "from" a local user, delivered like a real one and over the length limit', async () => {
    const forged = await t.a.adversary.forgeStatus({
      username: 'carol',
      text: `@bob@b.test ${'z'.repeat(600)}`,
      visibility: 'direct',
    });
    expect(forged.account.acct).toBe('carol');
    await t.a.deliveriesSettled();
    expect(await convStatusUris(user(t.b, 'bob').token)).toContain(forged.uri);
  });

  it('replays an existing status as new: new id, same content, to one user', async () => {
    const bob = user(t.b, 'bob');
    const s = await post(t.a, 'alice', { status: '@bob@b.test pay 5', visibility: 'direct' });
    await t.a.deliveriesSettled();
    const received = (await call(t.b.origin, bob.token, 'GET', '/api/v1/conversations')).json[0].last_status;
    const stream = await openStream(t.b.origin, bob.token, 'user');
    const copy = await t.b.adversary.replayStatus(received.id, 'bob');
    const ev = await stream.next((e) => e.event === 'notification');
    stream.close();
    expect(copy.id).not.toBe(received.id);
    expect(copy.content).toBe(received.content);
    expect(t.b.ctx.db.get('SELECT text FROM statuses WHERE id = ?', [copy.id])?.text).toBe(s.content);
    expect(JSON.parse(ev.data).status.id).toBe(copy.id);
    const home = (await call(t.b.origin, bob.token, 'GET', '/api/v1/timelines/home')).json as { id: string }[];
    expect(home.map((x) => x.id)).toEqual(expect.arrayContaining([copy.id, received.id]));
  });

  it('holds, reorders, releases and drops deliveries', async () => {
    const bob = user(t.b, 'bob');
    await t.a.adversary.setDeliveryMode('hold');
    const first = await post(t.a, 'alice', { status: '@bob@b.test first', visibility: 'direct' });
    const second = await post(t.a, 'alice', { status: '@bob@b.test second', visibility: 'direct' });
    const third = await post(t.a, 'alice', { status: '@bob@b.test third', visibility: 'direct' });
    const held = await t.a.adversary.heldDeliveries();
    expect(held.map((d) => (d.activity.object as { id: string }).id)).toEqual([first.uri, second.uri, third.uri]);
    expect(await convStatusUris(bob.token)).not.toContain(first.uri);
    const [h1, h2, h3] = held.map((d) => d.id);
    await t.a.adversary.dropDeliveries([h3 ?? '']);
    await t.a.adversary.reorderDeliveries([h2 ?? '', h1 ?? '']);
    expect(await t.a.adversary.releaseDeliveries()).toEqual({ count: 2 });
    await t.a.adversary.deliveriesIdle();
    // Received in the new order: "second" got the smaller id on b.test.
    const rows = t.b.ctx.db.all('SELECT id, uri FROM statuses WHERE uri IN (?, ?, ?) ORDER BY CAST(id AS INTEGER)', [
      first.uri,
      second.uri,
      third.uri,
    ]);
    expect(rows.map((r) => r.uri)).toEqual([second.uri, first.uri]);
    const log = (await t.a.adversary.state()).log.filter((l) => [h1, h2, h3].includes(l.id));
    expect(log.map((l) => [l.id, l.outcome])).toEqual([
      [h3, 'dropped'],
      [h2, 'sent'],
      [h1, 'sent'],
    ]);
  });

  it('drop mode discards deliveries', async () => {
    await t.a.adversary.setDeliveryMode('drop');
    const s = await post(t.a, 'alice', { status: '@bob@b.test lost', visibility: 'direct' });
    await t.a.deliveriesSettled();
    expect(t.b.ctx.db.get('SELECT id FROM statuses WHERE uri = ?', [s.uri])).toBeUndefined();
  });

  it('serves a hostile script from self before and/or after the app script', async () => {
    await t.a.adversary.setHostileScript('window.__evil = 1;', 'both');
    const html = await (await fetch(`${t.a.origin}/home?as=alice`)).text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/packs/hostile.js', '/packs/app.js', '/packs/hostile.js?after']);
    const js = await fetch(`${t.a.origin}/packs/hostile.js`);
    expect(await js.text()).toBe('window.__evil = 1;');
    expect(js.headers.get('content-type')).toContain('javascript');
    await t.a.adversary.setHostileScript(null);
    expect((await fetch(`${t.a.origin}/packs/hostile.js`)).status).toBe(404);
    expect(await (await fetch(`${t.a.origin}/home?as=alice`)).text()).not.toContain('hostile');
  });

  it('edits a status silently: new text, no edited_at, no stream event', async () => {
    const carol = user(t.a, 'carol');
    const s = await post(t.a, 'alice', { status: '@carol original', visibility: 'direct' });
    await t.a.adversary.editStatusSilently(s.id, '@carol changed');
    const shown = await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${s.id}`);
    expect(shown.json).toMatchObject({ content: '<p>@carol changed</p>', edited_at: null });
    expect((await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${s.id}/source`)).json.text).toBe(
      '@carol changed',
    );
  });

  it('sets max_characters (reported and enforced) and resets it', async () => {
    await t.a.adversary.setMaxCharacters(10);
    expect((await call(t.a.origin, null, 'GET', '/api/v2/instance')).json.configuration.statuses.max_characters).toBe(
      10,
    );
    const r = await call(t.a.origin, user(t.a, 'alice').token, 'POST', '/api/v1/statuses', { status: 'x'.repeat(11) });
    expect(r.json).toEqual({ error: 'Validation failed: Text character limit of 10 exceeded' });
    await t.a.adversary.reset();
    expect((await call(t.a.origin, null, 'GET', '/api/v2/instance')).json.configuration.statuses.max_characters).toBe(
      500,
    );
  });

  it('switches the UI generation (meta.version) through the admin API', async () => {
    await t.b.adversary.setUiVersion('4.4.0');
    const html = await (await fetch(`${t.b.origin}/home?as=bob`)).text();
    expect(html).toContain('"version":"4.4.0"');
    expect(html).toContain('"trends_as_landing_page":true');
    expect((await call(t.b.origin, null, 'GET', '/api/v2/instance')).json.version).toBe('4.4.0');
    await t.b.adversary.setUiVersion('4.8.0');
    await expect(t.b.adversary.setUiVersion('latest')).rejects.toThrow(/400/);
  });
  it('rewriteAccount: this instance claims another identity in lookup, search and statuses; null restores', async () => {
    const alice = user(t.a, 'alice');
    await call(t.a.origin, alice.token, 'GET', '/api/v2/search?q=bob@b.test&resolve=true&type=accounts');
    const fields = [{ name: 'Hush', value: '<p>forged</p>' }];
    const { id } = await t.a.adversary.rewriteAccount('bob@b.test', {
      acct: 'mallory@b.test',
      url: 'http://evil.example/@mallory',
      fields,
    });
    const looked = (await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob@b.test')).json;
    expect(looked).toMatchObject({
      id,
      acct: 'mallory@b.test',
      url: 'http://evil.example/@mallory',
      username: 'bob',
      fields: [{ name: 'Hush', value: '<p>forged</p>', verified_at: null }],
    });
    expect((await call(t.a.origin, null, 'GET', `/api/v1/accounts/${id}`)).json.acct).toBe('mallory@b.test');
    expect((await call(t.a.origin, alice.token, 'GET', '/api/v1/accounts/search?q=bob@b.test')).json[0].acct).toBe(
      'mallory@b.test',
    );
    const s = await post(t.a, 'alice', { status: '@bob@b.test hi', visibility: 'direct' });
    expect(s.mentions).toEqual([
      expect.objectContaining({ id, acct: 'mallory@b.test', url: 'http://evil.example/@mallory' }),
    ]);
    expect((await t.a.adversary.state()).accountRewrites).toEqual([
      {
        acct: 'bob@b.test',
        patch: {
          acct: 'mallory@b.test',
          url: 'http://evil.example/@mallory',
          fields: [{ ...fields[0], verified_at: null }],
        },
      },
    ]);
    // b.test still tells the truth about its own user.
    expect((await call(t.b.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob')).json.acct).toBe('bob');
    await t.a.adversary.rewriteAccount('bob@b.test', null);
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob@b.test')).json.acct).toBe(
      'bob@b.test',
    );
    await expect(t.a.adversary.rewriteAccount('nobody@nowhere.test', {})).rejects.toThrow(/404/);
  });

  it('patchStatus: content, reply target, date, CW, media and card change; asEdit looks like an edit', async () => {
    const carol = user(t.a, 'carol');
    const parent = await post(t.a, 'carol', { status: 'parent' });
    const s = await post(t.a, 'alice', { status: '@carol original', visibility: 'direct' });
    const stream = await openStream(t.a.origin, carol.token, 'user');
    const patched = await t.a.adversary.patchStatus(s.id, {
      content: '<p>swapped</p>',
      inReplyToId: parent.id,
      createdAt: '2020-01-02T03:04:05Z',
      spoilerText: 'cw',
      mediaAttachments: 2,
      card: true,
    });
    expect(patched).toMatchObject({
      content: '<p>swapped</p>',
      in_reply_to_id: parent.id,
      in_reply_to_account_id: carol.id,
      created_at: '2020-01-02T03:04:05.000Z',
      spoiler_text: 'cw',
      edited_at: null,
    });
    const shown = (await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${s.id}`)).json;
    expect(shown.media_attachments).toHaveLength(2);
    expect(shown.media_attachments[0]).toMatchObject({
      type: 'image',
      url: expect.stringContaining('/system/media_attachments/'),
    });
    expect(shown.card).toMatchObject({ type: 'link', authors: [] });
    expect((await fetch(shown.media_attachments[0].url)).status).toBe(200);
    expect(
      (await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${parent.id}/context`)).json.descendants.map(
        (x: { id: string }) => x.id,
      ),
    ).toEqual([s.id]);
    await t.a.adversary.patchStatus(s.id, { text: '@carol as edited', asEdit: true });
    const ev = await stream.next((e) => e.event === 'status.update');
    stream.close();
    expect(JSON.parse(ev.data)).toMatchObject({
      id: s.id,
      content: '<p>@carol as edited</p>',
      edited_at: expect.any(String),
    });
    expect((await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${s.id}/source`)).json.text).toBe(
      '@carol as edited',
    );
    await expect(t.a.adversary.patchStatus(s.id, { createdAt: 'yesterday' })).rejects.toThrow(/400/);
  });

  it("swapStatusText: one status silently carries another one's text", async () => {
    const carol = user(t.a, 'carol');
    const first = await post(t.a, 'alice', { status: '@carol first', visibility: 'direct' });
    const second = await post(t.a, 'alice', { status: '@carol second', visibility: 'direct' });
    await t.a.adversary.swapStatusText(second.id, first.id);
    const shown = (await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${second.id}`)).json;
    expect(shown).toMatchObject({ content: first.content, edited_at: null });
  });

  it('setPostBehaviour fake-success: 200 with a Status, nothing stored or delivered', async () => {
    await t.a.adversary.setPostBehaviour({ mode: 'fake-success' });
    const bob = user(t.b, 'bob');
    const s = await post(t.a, 'alice', { status: '@bob@b.test into the void', visibility: 'direct' });
    expect(s).toMatchObject({ visibility: 'direct', mentions: [expect.objectContaining({ acct: 'bob@b.test' })] });
    expect((await call(t.a.origin, user(t.a, 'alice').token, 'GET', `/api/v1/statuses/${s.id}`)).status).toBe(404);
    await t.a.deliveriesSettled();
    expect(await convStatusUris(bob.token)).not.toContain(s.uri);
    expect(t.a.ctx.db.get('SELECT id FROM statuses WHERE id = ?', [s.id])).toBeUndefined();
  });

  it('setPostBehaviour rewrite: stored public with an extra mention; the answer can hide it', async () => {
    const dave = user(t.b, 'dave');
    await t.a.adversary.setPostBehaviour({
      mode: 'rewrite',
      visibility: 'public',
      addMention: 'dave@b.test',
      answer: 'requested',
    });
    const s = await post(t.a, 'alice', { status: '@bob@b.test secret', visibility: 'direct' });
    expect(s.visibility).toBe('direct');
    expect(s.mentions.map((m: { acct: string }) => m.acct)).toEqual(['bob@b.test']);
    expect(s).not.toHaveProperty('pinned');
    const stored = (await call(t.a.origin, null, 'GET', `/api/v1/statuses/${s.id}`)).json;
    expect(stored.visibility).toBe('public');
    expect(stored.mentions.map((m: { acct: string }) => m.acct)).toEqual(['bob@b.test', 'dave@b.test']);
    await t.a.deliveriesSettled();
    const daveNotes = (await call(t.b.origin, dave.token, 'GET', '/api/v1/notifications')).json as {
      status: { uri: string };
    }[];
    expect(daveNotes.map((n) => n.status.uri)).toContain(s.uri);
    await t.a.adversary.setPostBehaviour({ mode: 'rewrite', dropMentions: true });
    const dropped = await post(t.a, 'alice', { status: '@carol hello', visibility: 'direct' });
    expect(dropped.mentions).toEqual([]);
    expect((await t.a.adversary.state()).postBehaviour).toEqual({
      mode: 'rewrite',
      answer: 'stored',
      visibility: null,
      addMention: null,
      dropMentions: true,
    });
    await expect(t.a.adversary.setPostBehaviour({ mode: 'rewrite' })).rejects.toThrow(/400/);
  });

  it('setNetworkBehaviour: slow, down, reset, hang and huge answers on a path prefix; others unaffected', async () => {
    const lookup = '/api/v1/accounts/lookup?acct=bob';
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', { delayMs: 300 });
    let t0 = Date.now();
    expect((await call(t.b.origin, null, 'GET', lookup)).json.acct).toBe('bob');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    t0 = Date.now();
    await call(t.b.origin, null, 'GET', '/api/v2/instance');
    expect(Date.now() - t0).toBeLessThan(290);
    // a.test resolving bob (resolve=true refreshes the cache) waits for b.test's slow lookup.
    t0 = Date.now();
    await call(t.a.origin, user(t.a, 'alice').token, 'GET', '/api/v1/accounts/search?q=bob@b.test&resolve=true');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', 'down');
    expect((await call(t.b.origin, null, 'GET', lookup)).status).toBe(503);
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', 'reset');
    await expect(fetch(`${t.b.origin}${lookup}`)).rejects.toThrow();
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', 'hang');
    await expect(fetch(`${t.b.origin}${lookup}`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /abort|timeout/i,
    );
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', { hugeBytes: 3_000_000 });
    const res = await fetch(`${t.b.origin}${lookup}`);
    expect(res.headers.get('content-length')).toBe(
      String(
        3_000_000 +
          Buffer.byteLength(await (await fetch(`${t.b.origin}/api/v1/accounts/${user(t.b, 'bob').id}`)).text()),
      ),
    );
    const text = await res.text();
    expect(text.length).toBeGreaterThan(3_000_000);
    expect(JSON.parse(text).acct).toBe('bob');
    expect((await t.b.adversary.state()).network).toEqual([
      { pathPrefix: '/api/v1/accounts/lookup', behaviour: { hugeBytes: 3_000_000, contentLength: true } },
    ]);
    // Truncated: the full Content-Length is announced, a part is sent, the connection closes.
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', { truncateAt: 20 });
    const cut = await fetch(`${t.b.origin}${lookup}`);
    expect(cut.status).toBe(200);
    expect(Number(cut.headers.get('content-length'))).toBeGreaterThan(20);
    await expect(cut.text()).rejects.toThrow();
    // A forged answer: the given body, status and headers; the route itself never runs.
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', {
      respond: {
        status: 200,
        body: [{ forged: true }],
        headers: { link: '<https://elsewhere.example/x?max_id=1>; rel="next"' },
      },
    });
    const forged = await fetch(`${t.b.origin}${lookup}`);
    expect(forged.headers.get('link')).toContain('elsewhere.example');
    expect(await forged.json()).toEqual([{ forged: true }]);
    await expect(t.b.adversary.setNetworkBehaviour('/x', { respond: { status: 99, body: 1 } })).rejects.toThrow(/400/);
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', 'normal');
    expect((await call(t.b.origin, null, 'GET', lookup)).status).toBe(200);
    await expect(t.b.adversary.setNetworkBehaviour('api', 'down')).rejects.toThrow(/400/);
  });

  it("setNetworkBehaviour rateLimited: 429 as Mastodon's Rack::Attack answers until the window ends, then answered as usual", async () => {
    const lookup = '/api/v1/accounts/lookup?acct=bob';
    const set = Date.now();
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', { rateLimited: true, resetInSeconds: 1 });
    const limited = await fetch(`${t.b.origin}${lookup}`);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'Too many requests' });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    // `iso8601(6)`: microseconds, UTC. The same window end on every answer; no Retry-After (Mastodon sends none).
    const reset = limited.headers.get('x-ratelimit-reset') ?? '';
    expect(reset).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(Date.parse(reset)).toBeGreaterThanOrEqual(set + 1000 - 5);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect((await fetch(`${t.b.origin}${lookup}`)).headers.get('x-ratelimit-reset')).toBe(reset);
    expect((await call(t.b.origin, null, 'GET', '/api/v2/instance')).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(reset) - Date.now()) + 50));
    expect((await call(t.b.origin, null, 'GET', lookup)).json.acct).toBe('bob');
  });

  it('requestLog: which requests reached this instance, with whose token', async () => {
    await t.a.adversary.clearRequestLog();
    await t.b.adversary.clearRequestLog();
    await call(t.a.origin, user(t.a, 'alice').token, 'GET', '/api/v1/timelines/home?limit=5', undefined, {
      origin: 'chrome-extension://abc',
    });
    await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=alice');
    const log = await t.a.adversary.requestLog();
    expect(log).toEqual([
      {
        method: 'GET',
        path: '/api/v1/timelines/home',
        query: 'limit=5',
        time: expect.any(Number),
        hasToken: true,
        account: 'alice',
        websocket: false,
        origin: 'chrome-extension://abc',
      },
      {
        method: 'GET',
        path: '/api/v1/accounts/lookup',
        query: 'acct=alice',
        time: expect.any(Number),
        hasToken: false,
        account: null,
        websocket: false,
        origin: null,
      },
    ]);
    expect(await t.b.adversary.requestLog()).toEqual([]);
    // Admin calls are not logged: they are not on the public port.
    await t.a.adversary.clearRequestLog();
    expect(await t.a.adversary.requestLog()).toEqual([]);
  });
});
