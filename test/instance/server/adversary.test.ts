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
  ((await call(t.b.origin, token, 'GET', '/api/v1/conversations')).json as { last_status: { uri: string } }[]).map((c) => c.last_status.uri);

describe('adversary admin API', () => {
  it('is not reachable on the public port', async () => {
    expect((await call(t.a.origin, null, 'GET', '/admin/state')).status).toBe(404);
    expect(t.a.adminOrigin).not.toBe(t.a.origin);
    expect((await t.a.adversary.state()).deliveryMode).toBe('pass');
  });

  it('swaps a cached remote profile field (key substitution) without touching the home instance', async () => {
    const alice = user(t.a, 'alice');
    await call(t.b.origin, user(t.b, 'bob').token, 'PATCH', '/api/v1/accounts/update_credentials', { fields_attributes: [{ name: 'hush', value: 'real-key' }] });
    await call(t.a.origin, alice.token, 'GET', '/api/v2/search?q=bob@b.test&resolve=true&type=accounts');
    await t.a.adversary.swapRemoteField('bob@b.test', 'hush', 'evil-key');
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob@b.test')).json.fields).toMatchObject([{ name: 'hush', value: 'evil-key' }]);
    expect((await call(t.b.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob')).json.fields).toMatchObject([{ name: 'hush', value: 'real-key' }]);
    await expect(t.a.adversary.swapRemoteField('alice', 'hush', 'x')).rejects.toThrow(/not a remote account/);
  });

  it('changes a local user\'s field behind their back; remote caches follow only on resolve', async () => {
    await t.b.adversary.setLocalField('dave', 'hush', 'planted');
    const dave = user(t.b, 'dave');
    expect((await call(t.b.origin, dave.token, 'GET', '/api/v1/accounts/verify_credentials')).json.source.fields).toEqual([{ name: 'hush', value: 'planted', verified_at: null }]);
    const resolved = await call(t.a.origin, user(t.a, 'alice').token, 'GET', '/api/v1/accounts/search?q=dave@b.test&resolve=true');
    expect(resolved.json[0].fields[0].value).toBe('planted');
  });

  it('forges a status "from" a local user, delivered like a real one and over the length limit', async () => {
    const forged = await t.a.adversary.forgeStatus({ username: 'carol', text: `@bob@b.test ${'z'.repeat(600)}`, visibility: 'direct' });
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
    const rows = t.b.ctx.db.all('SELECT id, uri FROM statuses WHERE uri IN (?, ?, ?) ORDER BY CAST(id AS INTEGER)', [first.uri, second.uri, third.uri]);
    expect(rows.map((r) => r.uri)).toEqual([second.uri, first.uri]);
    const log = (await t.a.adversary.state()).log.filter((l) => [h1, h2, h3].includes(l.id));
    expect(log.map((l) => [l.id, l.outcome])).toEqual([[h3, 'dropped'], [h2, 'sent'], [h1, 'sent']]);
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
    expect((await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${s.id}/source`)).json.text).toBe('@carol changed');
  });

  it('sets max_characters (reported and enforced) and resets it', async () => {
    await t.a.adversary.setMaxCharacters(10);
    expect((await call(t.a.origin, null, 'GET', '/api/v2/instance')).json.configuration.statuses.max_characters).toBe(10);
    const r = await call(t.a.origin, user(t.a, 'alice').token, 'POST', '/api/v1/statuses', { status: 'x'.repeat(11) });
    expect(r.json).toEqual({ error: 'Validation failed: Text character limit of 10 exceeded' });
    await t.a.adversary.reset();
    expect((await call(t.a.origin, null, 'GET', '/api/v2/instance')).json.configuration.statuses.max_characters).toBe(500);
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
});
