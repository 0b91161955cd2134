// REST shapes the extension and the web UI rely on, against a real two-instance federation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, post, startTestFederation, user, type TestFed } from './test-helpers.ts';

let t: TestFed;
let alice: { id: string; token: string };
let carol: { id: string; token: string };

beforeAll(async () => {
  t = await startTestFederation();
  alice = user(t.a, 'alice');
  carol = user(t.a, 'carol');
});
afterAll(() => t.fed.stop());

describe('accounts', () => {
  it('verify_credentials carries source with raw fields', async () => {
    const r = await call(t.a.origin, alice.token, 'GET', '/api/v1/accounts/verify_credentials');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      id: alice.id,
      username: 'alice',
      acct: 'alice',
      url: `${t.a.origin}/@alice`,
      uri: `${t.a.origin}/users/alice`,
      fields: [],
      source: { fields: [], note: '', privacy: 'public' },
    });
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('rejects a missing or wrong token with 401', async () => {
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/verify_credentials')).status).toBe(401);
    expect((await call(t.a.origin, 'nope', 'GET', '/api/v1/accounts/verify_credentials')).status).toBe(401);
    // A token of b.test is not a token of a.test.
    expect((await call(t.a.origin, user(t.b, 'bob').token, 'GET', '/api/v1/accounts/verify_credentials')).status).toBe(
      401,
    );
  });

  it('update_credentials replaces the whole list, drops blank pairs, truncates on read', async () => {
    const long = 'k'.repeat(300);
    const r1 = await call(t.a.origin, carol.token, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: [
        { name: 'one', value: 'https://example.com' },
        { name: '', value: '  ' },
        { name: 'key', value: `  ${long}  ` },
      ],
    });
    expect(r1.status).toBe(200);
    expect(r1.json.source.fields).toEqual([
      { name: 'one', value: 'https://example.com', verified_at: null },
      { name: 'key', value: 'k'.repeat(255), verified_at: null },
    ]);
    expect(r1.json.fields[0].value).toContain('<a href="https://example.com"');
    expect(r1.json.fields[1].value).toBe('k'.repeat(255));
    // Truncation is on read: the database keeps what was submitted.
    const row = t.a.ctx.db.get('SELECT fields FROM accounts WHERE id = ?', [carol.id]);
    expect(String(row?.fields)).toContain(long);
    // Sending one field replaces both.
    const r2 = await call(t.a.origin, carol.token, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: { 0: { name: 'only', value: 'x' } },
    });
    expect(r2.json.source.fields).toEqual([{ name: 'only', value: 'x', verified_at: null }]);
  });

  it('truncates by code points (astral characters count once)', async () => {
    const r = await call(t.a.origin, carol.token, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: [{ name: 'e', value: '😀'.repeat(300) }],
    });
    expect(Array.from(r.json.source.fields[0].value as string)).toHaveLength(255);
  });

  it('accepts form-encoded fields_attributes[i][name]', async () => {
    const res = await fetch(`${t.a.origin}/api/v1/accounts/update_credentials`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${carol.token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'fields_attributes[0][name]=a&fields_attributes[0][value]=1&fields_attributes[1][name]=b&fields_attributes[1][value]=2',
    });
    const json = (await res.json()) as { source: { fields: unknown[] } };
    expect(json.source.fields).toEqual([
      { name: 'a', value: '1', verified_at: null },
      { name: 'b', value: '2', verified_at: null },
    ]);
  });

  it('accepts multipart form data as the web UI sends it, and validates the note like a status', async () => {
    const form = new FormData();
    form.append('note', `bio https://example.com/${'x'.repeat(600)}`);
    form.append('fields_attributes[0][name]', 'm');
    form.append('fields_attributes[0][value]', 'multi');
    const res = await fetch(`${t.a.origin}/api/v1/accounts/update_credentials`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${carol.token}` },
      body: form,
    });
    const json = (await res.json()) as { source: { fields: unknown[]; note: string } };
    expect(json.source.fields).toEqual([{ name: 'm', value: 'multi', verified_at: null }]);
    expect(json.source.note).toMatch(/^bio https/);
    const tooLong = await call(t.a.origin, carol.token, 'PATCH', '/api/v1/accounts/update_credentials', {
      note: 'n'.repeat(501),
    });
    expect(tooLong.status).toBe(422);
  });

  it('refuses more than 4 fields with 422 and keeps the old ones', async () => {
    const four = Array.from({ length: 4 }, (_, i) => ({ name: `n${i}`, value: `v${i}` }));
    expect(
      (await call(t.a.origin, carol.token, 'PATCH', '/api/v1/accounts/update_credentials', { fields_attributes: four }))
        .status,
    ).toBe(200);
    const five = [...four, { name: 'n4', value: 'v4' }];
    const r = await call(t.a.origin, carol.token, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: five,
    });
    expect(r.status).toBe(422);
    expect(r.json.error).toMatch(/^Validation failed: Fields/);
    const after = await call(t.a.origin, carol.token, 'GET', '/api/v1/accounts/verify_credentials');
    expect(after.json.source.fields).toEqual(four.map((f) => ({ ...f, verified_at: null })));
  });

  it('lookup needs no token and knows only known accounts', async () => {
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=alice')).json.id).toBe(alice.id);
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=alice@a.test')).json.id).toBe(alice.id);
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=nobody')).status).toBe(404);
    // dave@b.test has not been resolved on a.test yet: lookup does not fetch.
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=dave@b.test')).status).toBe(404);
  });

  it('lookup answers like Mastodon: acct is username locally and user@domain for remote accounts', async () => {
    const bob = user(t.b, 'bob');
    await call(t.a.origin, alice.token, 'GET', '/api/v2/search?q=bob@b.test&resolve=true&type=accounts');
    const local = await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=%40Alice%40A.TEST');
    expect(local.json).toMatchObject({
      id: alice.id,
      username: 'alice',
      acct: 'alice',
      url: `${t.a.origin}/@alice`,
      uri: `${t.a.origin}/users/alice`,
      noindex: false,
      roles: [],
    });
    const remote = await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=bob@b.test');
    expect(remote.json).toMatchObject({
      username: 'bob',
      acct: 'bob@b.test',
      url: `${t.b.origin}/@bob`,
      uri: `${t.b.origin}/users/bob`,
    });
    expect(remote.json.id).not.toBe(bob.id); // a.test's own id for its cached copy
    // noindex and roles are only serialized for local accounts.
    expect(remote.json).not.toHaveProperty('noindex');
    expect(remote.json).not.toHaveProperty('roles');
    expect((await call(t.a.origin, null, 'GET', '/api/v1/accounts/lookup?acct=')).status).toBe(404);
  });

  it('accounts/:id and relationships', async () => {
    expect((await call(t.a.origin, null, 'GET', `/api/v1/accounts/${carol.id}`)).json.acct).toBe('carol');
    const rel = await call(
      t.a.origin,
      alice.token,
      'GET',
      `/api/v1/accounts/relationships?id[]=${carol.id}&id[]=${alice.id}`,
    );
    expect(rel.json).toMatchObject([
      { id: carol.id, following: true, followed_by: true },
      { id: alice.id, following: false },
    ]);
  });
});

describe('statuses', () => {
  it('creates with the raw text stored and Mastodon HTML rendered; show, source, context', async () => {
    const text = 'hi @carol <3 #Tag\nline two';
    const s = await post(t.a, 'alice', { status: text, visibility: 'private' });
    expect(s).toMatchObject({
      visibility: 'private',
      in_reply_to_id: null,
      spoiler_text: '',
      media_attachments: [],
      emojis: [],
      tagged_collections: [],
      card: null,
      edited_at: null,
    });
    expect(s.mentions).toEqual([{ id: carol.id, username: 'carol', url: `${t.a.origin}/@carol`, acct: 'carol' }]);
    expect(s.tags).toEqual([{ name: 'Tag', url: `${t.a.origin}/tags/Tag` }]);
    expect(s.content).toBe(
      `<p>hi <span class="h-card" translate="no"><a href="${t.a.origin}/@carol" class="u-url mention">@<span>carol</span></a></span> &lt;3 <a href="${t.a.origin}/tags/Tag" class="mention hashtag" rel="tag">#<span>Tag</span></a><br />line two</p>`,
    );
    expect(t.a.ctx.db.get('SELECT visibility, text FROM statuses WHERE id = ?', [s.id])).toEqual({
      visibility: 'private',
      text,
    });
    expect((await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${s.id}`)).json.id).toBe(s.id);
    expect((await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${s.id}/source`)).json).toEqual({
      id: s.id,
      text,
      spoiler_text: '',
    });
    const reply = await post(t.a, 'carol', { status: '@alice yes', visibility: 'private', in_reply_to_id: s.id });
    expect(reply).toMatchObject({ in_reply_to_id: s.id, in_reply_to_account_id: alice.id });
    const ctxOfReply = await call(t.a.origin, alice.token, 'GET', `/api/v1/statuses/${reply.id}/context`);
    expect(ctxOfReply.json.ancestors.map((x: { id: string }) => x.id)).toEqual([s.id]);
    const ctxOfRoot = await call(t.a.origin, alice.token, 'GET', `/api/v1/statuses/${s.id}/context`);
    expect(ctxOfRoot.json.descendants.map((x: { id: string }) => x.id)).toEqual([reply.id]);
  });

  it('hides a direct status from accounts it does not mention', async () => {
    const s = await post(t.a, 'alice', { status: 'just me', visibility: 'direct' });
    expect((await call(t.a.origin, carol.token, 'GET', `/api/v1/statuses/${s.id}`)).status).toBe(404);
    expect((await call(t.a.origin, null, 'GET', `/api/v1/statuses/${s.id}`)).status).toBe(404);
  });

  it('Idempotency-Key: the same key returns the same status and creates nothing', async () => {
    const key = { 'idempotency-key': 'same-key-1' };
    const s1 = await post(t.a, 'alice', { status: 'once', visibility: 'public' }, key);
    const s2 = await post(t.a, 'alice', { status: 'once more', visibility: 'public' }, key);
    expect(s2.id).toBe(s1.id);
    expect(s2.content).toBe('<p>once</p>');
    expect(t.a.ctx.db.all("SELECT id FROM statuses WHERE text LIKE 'once%'")).toHaveLength(1);
    // Keys are per account.
    const s3 = await post(t.a, 'carol', { status: 'once', visibility: 'public' }, key);
    expect(s3.id).not.toBe(s1.id);
  });

  it('allowed_mentions: 422 with unexpected_accounts and nothing stored', async () => {
    const r = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: '@carol secret',
      visibility: 'direct',
      allowed_mentions: [alice.id],
    });
    expect(r.status).toBe(422);
    expect(r.json.error).toBe('Post would be sent to unexpected accounts');
    expect(r.json.unexpected_accounts.map((a: { id: string }) => a.id)).toEqual([carol.id]);
    expect(t.a.ctx.db.all("SELECT id FROM statuses WHERE text = '@carol secret'")).toHaveLength(0);
    const ok = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: '@carol secret',
      visibility: 'direct',
      allowed_mentions: [carol.id],
    });
    expect(ok.status).toBe(200);
  });

  it('allowed_mentions as Rails permits it: arrays only (form or JSON), ids compared as integers', async () => {
    const send = async (body: string, type: string): Promise<number> =>
      (
        await fetch(`${t.a.origin}/api/v1/statuses`, {
          method: 'POST',
          headers: { authorization: `Bearer ${alice.token}`, 'content-type': type },
          body,
        })
      ).status;
    const form = 'application/x-www-form-urlencoded';
    expect(await send(`status=%40carol+f1&visibility=direct&allowed_mentions[]=${alice.id}`, form)).toBe(422);
    expect(await send(`status=%40carol+f2&visibility=direct&allowed_mentions[]=${carol.id}`, form)).toBe(200);
    // A scalar is not permitted by `allowed_mentions: []`: dropped, so nothing is checked.
    expect(await send(`status=%40carol+f3&visibility=direct&allowed_mentions=${alice.id}`, form)).toBe(200);
    expect(
      await send(
        JSON.stringify({ status: '@carol j1', visibility: 'direct', allowed_mentions: alice.id }),
        'application/json',
      ),
    ).toBe(200);
    // An empty list allows nobody; `to_i` ignores trailing junk.
    expect(
      await send(
        JSON.stringify({ status: '@carol j2', visibility: 'direct', allowed_mentions: [] }),
        'application/json',
      ),
    ).toBe(422);
    expect(
      await send(
        JSON.stringify({ status: '@carol j3', visibility: 'direct', allowed_mentions: [` ${carol.id}x`] }),
        'application/json',
      ),
    ).toBe(200);
    // Without mentions there is nothing unexpected.
    expect(
      await send(JSON.stringify({ status: 'nobody', visibility: 'direct', allowed_mentions: [] }), 'application/json'),
    ).toBe(200);
  });

  it("checks in Mastodon's order: reply target, idempotency, mentions, then validations", async () => {
    const missing = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: 'x',
      in_reply_to_id: '1',
    });
    expect(missing).toMatchObject({
      status: 404,
      json: { error: 'The post you are trying to reply to does not appear to exist.' },
    });
    // The unexpected mention is reported even though the text is also too long.
    const both = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: `@carol ${'x'.repeat(600)}`,
      visibility: 'direct',
      allowed_mentions: [],
    });
    expect(both.json.error).toBe('Post would be sent to unexpected accounts');
    // A repeated key answers the first status, even when this request would be refused.
    const key = { 'idempotency-key': 'order-key' };
    const first = await post(t.a, 'alice', { status: '@carol first', visibility: 'direct' }, key);
    const again = await call(
      t.a.origin,
      alice.token,
      'POST',
      '/api/v1/statuses',
      { status: '@carol again', visibility: 'direct', allowed_mentions: [] },
      key,
    );
    expect(again).toMatchObject({ status: 200, json: { id: first.id } });
    // A blank key is no key.
    const b1 = await post(t.a, 'alice', { status: 'blank key' }, { 'idempotency-key': ' ' });
    const b2 = await post(t.a, 'alice', { status: 'blank key' }, { 'idempotency-key': ' ' });
    expect(b1.id).not.toBe(b2.id);
  });

  it('GET /api/v1/statuses/:id is the full entity POST returned; viewer-only keys need a token', async () => {
    const created = await post(t.a, 'alice', {
      status: '@carol full <b>entity</b>',
      visibility: 'direct',
      spoiler_text: 'cw',
    });
    const shown = await call(t.a.origin, alice.token, 'GET', `/api/v1/statuses/${created.id}`);
    expect(shown.json).toEqual(created);
    expect(Object.keys(created)).toEqual(
      expect.arrayContaining([
        'id',
        'created_at',
        'in_reply_to_id',
        'in_reply_to_account_id',
        'visibility',
        'spoiler_text',
        'content',
        'mentions',
        'account',
        'media_attachments',
        'card',
        'edited_at',
        'favourited',
        'filtered',
      ]),
    );
    // A CW makes the status sensitive (PostStatusService: `|| spoiler_text.present?`).
    expect(created).toMatchObject({
      spoiler_text: 'cw',
      sensitive: true,
      media_attachments: [],
      card: null,
      edited_at: null,
      mentions: [{ id: carol.id, username: 'carol', acct: 'carol', url: `${t.a.origin}/@carol` }],
      account: { id: alice.id, acct: 'alice' },
    });
    // Direct: not pinnable, so no `pinned` even for the author.
    expect(created).not.toHaveProperty('pinned');
    const pub = await post(t.a, 'alice', { status: 'public one' });
    expect(pub.pinned).toBe(false);
    const anon = await call(t.a.origin, null, 'GET', `/api/v1/statuses/${pub.id}`);
    expect(anon.json).not.toHaveProperty('favourited');
    expect(anon.json).not.toHaveProperty('filtered');
    expect(anon.json.content).toBe('<p>public one</p>');
  });

  it('length limit: URLs count 23, @user@domain counts @user, 501 graphemes fail with the Mastodon message', async () => {
    const ok = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: `${'x'.repeat(476)} https://example.com/${'y'.repeat(100)}`,
      visibility: 'public',
    });
    expect(ok.status).toBe(200);
    const emoji = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: '👩‍👩‍👧'.repeat(500),
      visibility: 'public',
    });
    expect(emoji.status).toBe(200);
    const r = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: 'x'.repeat(501),
      visibility: 'public',
    });
    expect(r.status).toBe(422);
    expect(r.json).toEqual({ error: 'Validation failed: Text character limit of 500 exceeded' });
    const cw = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: 'x'.repeat(499),
      spoiler_text: 'ab',
      visibility: 'public',
    });
    expect(cw.status).toBe(422);
  });

  it('rejects a blank status and an unknown visibility', async () => {
    expect((await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', { status: '  ' })).status).toBe(422);
    expect(
      (await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', { status: 'x', visibility: 'secret' })).status,
    ).toBe(422);
  });

  it("validations at save, in the model's order and joined; visibility is checked after mentions and idempotency", async () => {
    const both = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', { status: ' ', visibility: 'secret' });
    expect(both).toMatchObject({
      status: 422,
      json: { error: "Validation failed: Visibility is not included in the list, Text can't be blank" },
    });
    const mention = await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', {
      status: '@carol x',
      visibility: 'secret',
      allowed_mentions: [],
    });
    expect(mention.json.error).toBe('Post would be sent to unexpected accounts');
    const key = { 'idempotency-key': 'visibility-later' };
    const first = await post(t.a, 'alice', { status: 'vis first' }, key);
    expect(
      (await call(t.a.origin, alice.token, 'POST', '/api/v1/statuses', { status: 'x', visibility: 'secret' }, key)).json
        .id,
    ).toBe(first.id);
    // No visibility (or a blank one): the user's default.
    expect((await post(t.a, 'alice', { status: 'no visibility', visibility: '' })).visibility).toBe('public');
  });

  it('a CW with blank text posts the CW as the text; a CW makes the status sensitive; sensitive is cast as Rails does', async () => {
    const onlyCw = await post(t.a, 'alice', { status: '', spoiler_text: 'just the warning' });
    expect(onlyCw).toMatchObject({ spoiler_text: '', content: '<p>just the warning</p>' });
    expect((await post(t.a, 'alice', { status: 'x', sensitive: 'false' })).sensitive).toBe(false);
    expect((await post(t.a, 'alice', { status: 'x', sensitive: 'yes' })).sensitive).toBe(true);
    expect((await post(t.a, 'alice', { status: 'x', sensitive: false, spoiler_text: 'cw' })).sensitive).toBe(true);
  });

  it('Idempotency-Key: a concurrent repeat is refused (503) while the first is processed; a deleted first is 404', async () => {
    const key = { 'idempotency-key': 'concurrent' };
    // A remote mention makes the first request wait on b.test's lookup.
    await t.b.adversary.setNetworkBehaviour('/api/v1/accounts/lookup', { delayMs: 300 });
    try {
      const [r1, r2] = await Promise.all([
        call(
          t.a.origin,
          alice.token,
          'POST',
          '/api/v1/statuses',
          { status: '@dave@b.test once', visibility: 'direct' },
          key,
        ),
        new Promise((r) => setTimeout(r, 50)).then(() =>
          call(
            t.a.origin,
            alice.token,
            'POST',
            '/api/v1/statuses',
            { status: '@dave@b.test once', visibility: 'direct' },
            key,
          ),
        ),
      ]);
      expect([r1.status, r2.status]).toEqual([200, 503]);
      expect(r2.json).toEqual({ error: 'There was a temporary problem serving your request, please try again' });
      expect(t.a.ctx.db.all("SELECT id FROM statuses WHERE text = '@dave@b.test once'")).toHaveLength(1);
      const again = await call(
        t.a.origin,
        alice.token,
        'POST',
        '/api/v1/statuses',
        { status: '@dave@b.test once', visibility: 'direct' },
        key,
      );
      expect(again.json.id).toBe(r1.json.id);
      await call(t.a.origin, alice.token, 'DELETE', `/api/v1/statuses/${r1.json.id}`);
      expect(
        await call(
          t.a.origin,
          alice.token,
          'POST',
          '/api/v1/statuses',
          { status: '@dave@b.test once', visibility: 'direct' },
          key,
        ),
      ).toMatchObject({ status: 404, json: { error: 'Record not found' } });
    } finally {
      await t.b.adversary.reset();
    }
  });

  it('context: descendants depth-first with siblings by id, self-replies promoted, invisible ones dropped', async () => {
    const root = await post(t.a, 'alice', { status: 'ctx root' });
    const c1 = await post(t.a, 'carol', { status: '@alice c1', in_reply_to_id: root.id });
    const c1a = await post(t.a, 'alice', { status: '@carol c1a', in_reply_to_id: c1.id });
    const self = await post(t.a, 'alice', { status: 'self reply', in_reply_to_id: root.id });
    const hidden = await post(t.a, 'carol', { status: 'to nobody', visibility: 'direct', in_reply_to_id: root.id });
    const c2 = await post(t.a, 'carol', { status: '@alice c2', in_reply_to_id: root.id });
    const ctx = await call(t.a.origin, alice.token, 'GET', `/api/v1/statuses/${root.id}/context`);
    const ids = (l: { id: string }[]): string[] => l.map((x) => x.id);
    // Tree order c1, c1a, self, c2 (hidden is carol's direct to nobody); alice's self-reply first.
    expect(ids(ctx.json.descendants)).toEqual([self.id, c1.id, c1a.id, c2.id]);
    expect(ids(ctx.json.descendants)).not.toContain(hidden.id);
    const up = await call(t.a.origin, null, 'GET', `/api/v1/statuses/${c1a.id}/context`);
    expect(ids(up.json.ancestors)).toEqual([root.id, c1.id]);
    expect(up.json.descendants).toEqual([]);
  });

  it('conversations: rel="next" only while a page is full; a note to self lists its owner', async () => {
    const note = await post(t.a, 'carol', { status: 'note to self', visibility: 'direct' });
    const convs = await call(t.a.origin, user(t.a, 'carol').token, 'GET', '/api/v1/conversations?limit=40');
    const mine = (convs.json as { accounts: { id: string }[]; last_status: { id: string } }[]).find(
      (c) => c.last_status.id === note.id,
    );
    expect(mine?.accounts.map((x) => x.id)).toEqual([user(t.a, 'carol').id]);
    expect(convs.headers.get('link')).not.toContain('rel="next"');
    expect(convs.headers.get('link')).toContain('rel="prev"');
  });

  it('edit sets edited_at and new content; only the author may edit or delete', async () => {
    const s = await post(t.a, 'alice', { status: 'before', visibility: 'public' });
    // Status.where(account: current_account).find: someone else's status is not found.
    expect((await call(t.a.origin, carol.token, 'PUT', `/api/v1/statuses/${s.id}`, { status: 'hijack' })).status).toBe(
      404,
    );
    const e = await call(t.a.origin, alice.token, 'PUT', `/api/v1/statuses/${s.id}`, { status: 'after' });
    expect(e.status).toBe(200);
    expect(e.json).toMatchObject({ id: s.id, content: '<p>after</p>' });
    expect(typeof e.json.edited_at).toBe('string');
    expect((await call(t.a.origin, alice.token, 'GET', `/api/v1/statuses/${s.id}/source`)).json.text).toBe('after');
    expect((await call(t.a.origin, carol.token, 'DELETE', `/api/v1/statuses/${s.id}`)).status).toBe(404);
    const d = await call(t.a.origin, alice.token, 'DELETE', `/api/v1/statuses/${s.id}`);
    // source_requested: `text` instead of `content`.
    expect(d.json).toMatchObject({ id: s.id, text: 'after' });
    expect(d.json).not.toHaveProperty('content');
    expect((await call(t.a.origin, alice.token, 'GET', `/api/v1/statuses/${s.id}`)).status).toBe(404);
  });
});

describe('timelines, conversations, notifications', () => {
  it('a local direct status reaches home, conversations and notifications of the mentioned user', async () => {
    const s = await post(t.a, 'alice', { status: '@carol psst', visibility: 'direct' });
    const home = await call(t.a.origin, carol.token, 'GET', '/api/v1/timelines/home');
    expect(home.json.map((x: { id: string }) => x.id)).toContain(s.id);
    const convs = await call(t.a.origin, carol.token, 'GET', '/api/v1/conversations');
    const conv = convs.json.find((c: { last_status: { id: string } | null }) => c.last_status?.id === s.id);
    expect(conv).toMatchObject({ unread: true, accounts: [{ id: alice.id }] });
    const read = await call(t.a.origin, carol.token, 'POST', `/api/v1/conversations/${conv.id}/read`);
    expect(read.json).toMatchObject({ id: conv.id, unread: false });
    const own = await call(t.a.origin, alice.token, 'GET', '/api/v1/conversations');
    expect(own.json.find((c: { last_status: { id: string } | null }) => c.last_status?.id === s.id)).toMatchObject({
      unread: false,
      accounts: [{ id: carol.id }],
    });
    const n1 = await call(t.a.origin, carol.token, 'GET', '/api/v1/notifications?types[]=mention');
    expect(n1.json[0]).toMatchObject({ type: 'mention', account: { id: alice.id }, status: { id: s.id } });
    const n2 = await call(t.a.origin, carol.token, 'GET', '/api/v2/notifications?grouped_types[]=favourite');
    expect(n2.json.notification_groups[0]).toMatchObject({
      type: 'mention',
      status_id: s.id,
      notifications_count: 1,
      sample_account_ids: [alice.id],
    });
    expect(n2.json.notification_groups[0].group_key).toMatch(/^ungrouped-/);
    expect(n2.json.statuses.map((x: { id: string }) => x.id)).toContain(s.id);
  });

  it('conversations paginate with Link headers by last status id', async () => {
    for (let i = 0; i < 3; i++) await post(t.a, 'carol', { status: `@alice page ${i}`, visibility: 'direct' });
    const first = await call(t.a.origin, alice.token, 'GET', '/api/v1/conversations?limit=2');
    expect(first.json).toHaveLength(2);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toContain('max_id=');
    const second = await call(t.a.origin, alice.token, 'GET', (next ?? '').replace(t.a.origin, ''));
    const ids = (x: { json: { id: string }[] }): string[] => x.json.map((c) => c.id);
    expect(ids(second).some((id) => ids(first).includes(id))).toBe(false);
    expect(second.json.length).toBeGreaterThan(0);
  });

  it('markers round-trip', async () => {
    await call(t.a.origin, alice.token, 'POST', '/api/v1/markers', { notifications: { last_read_id: '123' } });
    const m = await call(t.a.origin, alice.token, 'GET', '/api/v1/markers?timeline[]=notifications');
    expect(m.json.notifications).toMatchObject({ last_read_id: '123', version: 1 });
  });
});

describe('instance and boot endpoints', () => {
  it('instance v1/v2 report the limits', async () => {
    const v2 = await call(t.a.origin, null, 'GET', '/api/v2/instance');
    expect(v2.json).toMatchObject({
      domain: 'a.test',
      version: '4.8.0',
      configuration: {
        statuses: { max_characters: 500, characters_reserved_per_url: 23, max_media_attachments: 4 },
        accounts: { max_profile_fields: 4 },
        urls: { streaming: t.a.origin.replace('http:', 'ws:') },
      },
    });
    const v1 = await call(t.a.origin, null, 'GET', '/api/v1/instance');
    expect(v1.json).toMatchObject({
      uri: 'a.test',
      configuration: { statuses: { max_characters: 500 } },
      urls: { streaming_api: t.a.origin.replace('http:', 'ws:') },
    });
  });

  it('answers the boot endpoints harmlessly', async () => {
    for (const p of [
      '/api/v1/custom_emojis',
      '/api/v1/announcements',
      '/api/v1/lists',
      '/api/v1/follow_requests',
      '/api/v1/followed_tags',
      '/api/v1/trends/tags',
    ]) {
      const r = await call(t.a.origin, alice.token, 'GET', p);
      expect([p, r.status, r.json]).toEqual([p, 200, []]);
    }
    expect((await call(t.a.origin, alice.token, 'GET', '/api/v1/instance/translation_languages')).json).toEqual({});
    expect(
      (await call(t.a.origin, alice.token, 'PUT', '/api/web/settings', { data: { home: { shows: 1 } } })).status,
    ).toBe(200);
    expect(
      (await call(t.a.origin, alice.token, 'OPTIONS', '/api/v1/statuses')).headers.get('access-control-allow-headers'),
    ).toContain('Idempotency-Key');
  });
});
