// Federation between a.test and b.test over loopback: delivery, per-instance ids, remote profiles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, openStream, post, startTestFederation, user, type TestFed } from './test-helpers.ts';
import { signDelivery } from './outbox.ts';

let t: TestFed;
beforeAll(async () => {
  t = await startTestFederation();
});
afterAll(() => t.fed.stop());

describe('direct message alice@a.test -> bob@b.test', () => {
  it("appears in bob's conversations (live) with a different id and a cached remote author", async () => {
    const bob = user(t.b, 'bob');
    const direct = await openStream(t.b.origin, bob.token, 'direct');
    const text = '@bob@b.test hello bob';
    const s = await post(t.a, 'alice', { status: text, visibility: 'direct' });
    expect(s.mentions).toMatchObject([{ acct: 'bob@b.test', url: `${t.b.origin}/@bob` }]);
    const event = await direct.next((e) => e.event === 'conversation');
    direct.close();
    const conv = JSON.parse(event.data);
    expect(conv.last_status.id).not.toBe(s.id);
    expect(conv.last_status.content).toContain('hello bob</p>');
    expect(conv.last_status.content).toContain('class="u-url mention"');
    expect(conv.last_status).toMatchObject({
      uri: s.uri,
      url: s.url,
      visibility: 'direct',
      account: { acct: 'alice@a.test', url: `${t.a.origin}/@alice` },
    });
    expect(conv.accounts.map((a: { acct: string }) => a.acct)).toEqual(['alice@a.test']);
    const list = await call(t.b.origin, bob.token, 'GET', '/api/v1/conversations');
    expect(list.json[0].last_status.id).toBe(conv.last_status.id);
    // The remote author got a local id on b.test.
    expect(conv.last_status.account.id).not.toBe(user(t.a, 'alice').id);
    // Both databases hold the text: raw on the origin, the received HTML on the receiver.
    expect(t.a.ctx.db.get('SELECT visibility, text FROM statuses WHERE id = ?', [s.id])).toEqual({
      visibility: 'direct',
      text,
    });
    expect(t.b.ctx.db.get('SELECT visibility, text FROM statuses WHERE id = ?', [conv.last_status.id])).toEqual({
      visibility: 'direct',
      text: s.content,
    });
    const notes = await call(t.b.origin, bob.token, 'GET', '/api/v1/notifications');
    expect(notes.json[0]).toMatchObject({ type: 'mention', status: { id: conv.last_status.id } });
    // dave@b.test is not mentioned and sees nothing.
    expect(
      (await call(t.b.origin, user(t.b, 'dave').token, 'GET', `/api/v1/statuses/${conv.last_status.id}`)).status,
    ).toBe(404);
  });

  it("threads a reply from b.test back into alice's conversation, and propagates edit and delete", async () => {
    const bob = user(t.b, 'bob');
    const alice = user(t.a, 'alice');
    const s = await post(t.a, 'alice', { status: '@bob@b.test thread start', visibility: 'direct' });
    await t.a.deliveriesSettled();
    const onB = (
      await call(t.b.origin, bob.token, 'GET', `/api/v2/search?q=${encodeURIComponent(s.uri)}&type=statuses`)
    ).json.statuses[0];
    expect(onB.uri).toBe(s.uri);
    const reply = await post(t.b, 'bob', {
      status: '@alice@a.test answer',
      visibility: 'direct',
      in_reply_to_id: onB.id,
    });
    await t.b.deliveriesSettled();
    const ctx = await call(t.a.origin, alice.token, 'GET', `/api/v1/statuses/${s.id}/context`);
    expect(ctx.json.descendants).toMatchObject([{ uri: reply.uri, in_reply_to_id: s.id }]);
    const convs = await call(t.a.origin, alice.token, 'GET', '/api/v1/conversations');
    expect(convs.json[0]).toMatchObject({ unread: true, last_status: { uri: reply.uri } });

    const userStream = await openStream(t.b.origin, bob.token, 'user');
    await call(t.a.origin, alice.token, 'PUT', `/api/v1/statuses/${s.id}`, {
      status: '@bob@b.test thread start (edited)',
    });
    const upd = await userStream.next((e) => e.event === 'status.update');
    expect(JSON.parse(upd.data)).toMatchObject({ id: onB.id, content: expect.stringContaining('(edited)') as unknown });
    await call(t.a.origin, alice.token, 'DELETE', `/api/v1/statuses/${s.id}`);
    const del = await userStream.next((e) => e.event === 'delete');
    userStream.close();
    expect(del.data).toBe(onB.id);
    expect((await call(t.b.origin, bob.token, 'GET', `/api/v1/statuses/${onB.id}`)).status).toBe(404);
  });
});

describe('remote profiles', () => {
  it('"what my instance says" (cached) vs "what bob\'s instance says", refreshed by resolve=true', async () => {
    const bob = user(t.b, 'bob');
    const alice = user(t.a, 'alice');
    await call(t.b.origin, bob.token, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: [{ name: 'hush', value: 'key-v1' }],
    });
    const resolved = await call(
      t.a.origin,
      alice.token,
      'GET',
      '/api/v2/search?q=@bob@b.test&resolve=true&type=accounts',
    );
    expect(resolved.json.accounts[0]).toMatchObject({
      acct: 'bob@b.test',
      fields: [{ name: 'hush', value: 'key-v1' }],
      uri: `${t.b.origin}/users/bob`,
    });
    await call(t.b.origin, bob.token, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: [{ name: 'hush', value: 'key-v2' }],
    });
    // a.test still says v1 (lookup never refreshes) while b.test says v2.
    const cached = await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob@b.test');
    expect(cached.json.fields[0].value).toBe('key-v1');
    const home = await call(t.b.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob');
    expect(home.json.fields[0].value).toBe('key-v2');
    // Without resolve, search answers from the cache too; resolve=true refreshes.
    expect(
      (await call(t.a.origin, alice.token, 'GET', '/api/v1/accounts/search?q=bob@b.test')).json[0].fields[0].value,
    ).toBe('key-v1');
    expect(
      (await call(t.a.origin, alice.token, 'GET', '/api/v1/accounts/search?q=bob@b.test&resolve=true')).json[0]
        .fields[0].value,
    ).toBe('key-v2');
    expect((await call(t.a.origin, null, 'GET', `/api/v1/accounts/${cached.json.id}`)).json.fields[0].value).toBe(
      'key-v2',
    );
  });

  it('v2 search with resolve needs a token; unknown domains resolve to nothing', async () => {
    expect((await call(t.a.origin, null, 'GET', '/api/v2/search?q=@dave@b.test&resolve=true')).status).toBe(401);
    const r = await call(
      t.a.origin,
      user(t.a, 'alice').token,
      'GET',
      '/api/v2/search?q=@x@nowhere.test&resolve=true&type=accounts',
    );
    expect(r.json.accounts).toEqual([]);
  });
});

describe('inbox authentication', () => {
  const note = (origin: string) => ({
    type: 'Create',
    actor: `${origin}/users/alice`,
    object: {
      type: 'Note',
      id: `${origin}/users/alice/statuses/1`,
      url: `${origin}/@alice/1`,
      attributedTo: `${origin}/users/alice`,
      published: new Date().toISOString(),
      updated: null,
      content: '<p>forged</p>',
      spoilerText: '',
      sensitive: false,
      visibility: 'public',
      language: null,
      inReplyTo: null,
      conversation: null,
      mentions: [],
      tags: [],
    },
  });
  const deliver = (body: string, domain: string, sig: string) =>
    fetch(`${t.b.origin}/inbox`, {
      method: 'POST',
      body,
      headers: { 'x-hush-federation-domain': domain, 'x-hush-federation-signature': sig },
    });

  it('rejects an unsigned or wrongly signed delivery', async () => {
    const body = JSON.stringify(note(t.a.origin));
    expect((await deliver(body, 'a.test', 'AAAA')).status).toBe(401);
    expect((await deliver(body, 'a.test', signDelivery('wrong secret', 'a.test', body))).status).toBe(401);
  });

  it('rejects an actor that is not on the sending instance', async () => {
    const body = JSON.stringify(note(t.b.origin));
    expect((await deliver(body, 'a.test', signDelivery(t.a.ctx.secret, 'a.test', body))).status).toBe(401);
  });

  it('rejects malformed activities with a typed error instead of crashing', async () => {
    for (const body of ['not json', '{"type":"Create","actor":"x","object":{"type":"Note"}}', '[]']) {
      const r = await deliver(body, 'a.test', signDelivery(t.a.ctx.secret, 'a.test', body));
      expect([400, 422]).toContain(r.status);
    }
  });
});
