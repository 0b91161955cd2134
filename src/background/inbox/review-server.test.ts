/**
 * Server-side review (attack-server branch, review-server-findings 1-5): the inbox's PoCs, moved
 * here from test/adversarial/review-server-reader.test.ts. Each reproduces an attack by a malicious
 * instance operator and asserts the secure behaviour. Node only: the real Reader and the real inbox
 * handlers, fake KeyServices (the decryption itself is not what is attacked here) and a fake
 * instance API (MastodonApi's inbox calls).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecryptOutcome, KeyServices } from '../services';
import { aliceToBob, memoryArea } from '../overlay/reader-fixture';
import { Reader } from '../overlay/reading';
import { createInboxHandlers, type InboxDeps } from './service';
import type { InboxStatus, MastodonApi } from '../network/mastodon';
import type { InboxStore } from './store';
import { fixedDeps, inboxStatus, oneConversationWithAlice } from './inbox-fixture';
import type { SenderContext } from '../senders';

const ALICE = { actorUri: 'https://alice.example/users/alice', fingerprint: 'alicefp' };
const SELF = { actorUri: 'https://a.test/users/me', fingerprint: 'mefp' };
const account = { origin: 'https://a.test', accountId: '1' };

/** KeyServices whose decrypt accepts every text as alice's message (the signature is not attacked here). */
const BOB = { actorUri: 'https://b.test/users/bob', fingerprint: 'bobfp' };
function services(): KeyServices {
  const ok: DecryptOutcome = {
    ok: true,
    plaintext: 'pay 100 to carol',
    sender: ALICE,
    recipients: [SELF],
    messageId: 'ab',
    replyTo: null,
    createdAt: 1_800_000_000,
  };
  const fromBob: DecryptOutcome = {
    ok: true,
    plaintext: 'what is the plan?',
    sender: BOB,
    recipients: [SELF],
    messageId: 'cd',
    replyTo: null,
    createdAt: 1_799_999_000,
  };
  return {
    checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
    encrypt: () => Promise.reject(new Error('unused')),
    decrypt: (_a, req) => Promise.resolve(req.author.acct.startsWith('bob') ? fromBob : ok),
    senderTrust: (_a, s) =>
      Promise.resolve(
        s.actorUri === SELF.actorUri
          ? { kind: 'self' as const, acct: 'me@a.test', fingerprint: s.fingerprint }
          : { kind: 'verified' as const, acct: 'alice@alice.example', fingerprint: s.fingerprint },
      ),
    handlesOf: (_a, u) =>
      Promise.resolve(
        u.map((x) => (x === SELF.actorUri ? 'me@a.test' : x === BOB.actorUri ? 'bob@b.test' : 'alice@alice.example')),
      ),
    sealLocal: (_a, d) => Promise.resolve(d),
    openLocal: (_a, d) => Promise.resolve(d),
    searchAccounts: () => Promise.resolve([]),
    contactList: () =>
      Promise.resolve([
        { acct: 'bob@b.test', trust: 'verified' as const, usable: true },
        { acct: 'alice@alice.example', trust: 'verified' as const, usable: true },
      ]),
  };
}

let text = '';
beforeAll(async () => {
  text = (await aliceToBob('x'))[0] ?? '';
});

type InboxApiFake = MastodonApi;

// ---------------------------------------------------------------- inbox

const inboxSender: SenderContext = {
  kind: 'extension-page',
  tabId: 1,
  origin: 'chrome-extension://x',
  path: '/inbox.html',
};

const status = inboxStatus;

/** The API's answers for a thread of the one status `s`: the status, no ancestors, no descendants. */
function aloneInThread(s: InboxStatus): Partial<InboxApiFake> {
  return {
    status: () => Promise.resolve({ ok: true as const, value: s }),
    context: () => Promise.resolve({ ok: true as const, value: { ancestors: [], descendants: [] } }),
  };
}

function inbox(api: Partial<InboxApiFake>) {
  return inboxWith({}, api);
}

function inboxWith(svc: Partial<KeyServices>, api: Partial<InboxApiFake>) {
  const area = memoryArea();
  const all = { ...services(), ...svc };
  const deps: InboxDeps = {
    services: all,
    reader: new Reader({ services: all, area: memoryArea(), now: () => Promise.resolve(1_800_000_100) }),
    statusApi: {} as never,
    api: api as InboxApiFake,
    store: {
      token: () => Promise.resolve({ token: 'tok' }),
      connection: () => Promise.resolve(null),
      connections: () => Promise.resolve([]),
    } as unknown as InboxStore,
    session: area,
    local: memoryArea(),
    ...fixedDeps(account),
    lockState: () => Promise.resolve({ locked: false, hasPassphrase: false }),
  };
  return createInboxHandlers(deps);
}

describe('review (server): the inbox', () => {
  it("F-inbox-mine: a verified message from alice that the server labels with the user's account id is not shown as the user's own", async () => {
    // The instance returns alice's genuine message with `account.id` = the user's id (acct stays alice's,
    // so it decrypts and verifies as alice). The inbox page labels a group "You" when `mine` is true.
    const s = status('500', account.accountId, 'alice@alice.example', text);
    const h = inbox(aloneInThread(s));
    const out = await h['inbox/thread'](
      { account, conversationId: '9', lastStatusId: '500', before: null },
      inboxSender,
    );
    if (!('messages' in out)) throw new Error(`no thread: ${JSON.stringify(out)}`);
    const m = out.messages[0];
    expect(m?.hush?.state).toBe('message');
    expect(m?.hush?.sender?.acct).toBe('alice@alice.example');
    // Secure: "mine" (rendered as "You") follows the signed sender, not the server's account id.
    expect(m?.mine).toBe(false);
  });

  it('F-inbox-list: a conversation listed with bob does not preview a message alice signed without naming alice', async () => {
    // The instance lists a conversation whose participants are [bob] (a verified contact) and
    // whose last status is alice's genuine message. The list shows "@bob (verified)" + the plaintext.
    const s = status('600', '77', 'alice@alice.example', text);
    const h = inbox({
      conversations: () =>
        Promise.resolve({
          ok: true as const,
          value: {
            items: [{ id: '9', unread: true, accounts: [{ id: '5', acct: 'bob@b.test' }], last_status: s }],
            next: null,
          },
        }),
    });
    const out = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    if (!('items' in out)) throw new Error(`no list: ${JSON.stringify(out)}`);
    const item = out.items[0];
    expect(item?.preview.kind).toBe('hush');
    const shownWho = item?.participants.map((p) => p.acct) ?? [];
    // Secure: either the preview names its signed sender, or the signed sender is among the participants shown.
    const previewNamesSender = JSON.stringify(item?.preview).includes('alice@alice.example');
    expect(previewNamesSender || shownWho.includes('alice@alice.example')).toBe(true);
    // ... the preview names its signed sender; the list shows the signed parties (main 58daa1a), so
    // the signed sender is among them (a sender outside the shown list would be flagged: senderListed).
    expect(item?.preview).toMatchObject({ sender: { acct: 'alice@alice.example' }, senderListed: true });
  });

  it("F-inbox-reply: a reply typed in the chat the inbox lists with bob is not encrypted to alice behind the user's back", async () => {
    // The instance lists conversation 9 with [bob] and puts alice's genuine message (sent to the user
    // elsewhere) as the newest status of its thread (/context is the server's). The chat composer
    // answers the newest Hush message and shows no recipient list: the reply goes to alice.
    // Since the listing shows a conversation's SIGNED parties (main 58daa1a), the server keeps the
    // listed last status genuine (bob's) and injects alice's message into /context as a descendant.
    const fromBob = status('700', '5', 'bob@b.test', text.replace(/^@\S+ /, '@me '));
    const cps = Array.from(text);
    cps[cps.length - 3] = String.fromCodePoint(0x4e02);
    const fromAlice = status('701', '77', 'alice@alice.example', cps.join(''), { in_reply_to_id: '700' });
    const h = inbox({
      conversations: () =>
        Promise.resolve({
          ok: true as const,
          value: {
            items: [{ id: '9', unread: true, accounts: [{ id: '5', acct: 'bob@b.test' }], last_status: fromBob }],
            next: null,
          },
        }),
      status: () => Promise.resolve({ ok: true as const, value: fromBob }),
      context: () => Promise.resolve({ ok: true as const, value: { ancestors: [], descendants: [fromAlice] } }),
      instance: () =>
        Promise.resolve({ ok: true as const, value: { domain: 'a.test', maxChars: 500, streaming: null } }),
    });
    const list = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    if (!('items' in list)) throw new Error('no list');
    const conv = list.items[0];
    const shownWith = conv?.participants.map((p) => p.acct) ?? [];
    expect(shownWith).toEqual(['bob@b.test']);
    const thread = await h['inbox/thread'](
      { account, conversationId: '9', lastStatusId: conv?.lastStatusId ?? '', before: null },
      inboxSender,
    );
    if (!('messages' in thread)) throw new Error('no thread');
    // What app.tsx's Chat does: the composer answers the newest readable Hush message.
    const newest = [...thread.messages].reverse().find((m) => m.hush?.state === 'message');
    const set = await h['inbox/draft-set'](
      { account, key: 'c9', text: 'the plan is X', recipients: [], replyToStatusId: newest?.statusIds[0] ?? null },
      inboxSender,
    );
    if (!('status' in set)) throw new Error('no draft');
    const to = set.status.recipients.map((r) => r.acct);
    expect(to.length).toBeGreaterThan(0);
    // Secure: the reply goes only to accounts the chat head names (the composer shows no other list).
    for (const r of to) expect(shownWith).toContain(r);
    // The difference is named (alice signed it, bob was not among its recipients) and Send refuses
    // until the user confirms it; the confirmed reply still goes to bob only.
    expect(set.reply).toMatchObject({
      notListed: ['alice@alice.example'],
      notSigned: ['bob@b.test'],
      sender: 'alice@alice.example',
      confirmed: false,
    });
    const refused = await h['inbox/send']({ account, key: 'c9' }, inboxSender);
    expect(refused).toMatchObject({ phase: 'failed', problem: { kind: 'unconfirmed_recipients' } });
    const ok = await h['inbox/draft-set'](
      {
        account,
        key: 'c9',
        text: 'the plan is X',
        recipients: [],
        replyToStatusId: newest?.statusIds[0] ?? null,
        confirm: true,
      },
      inboxSender,
    );
    if (!('status' in ok)) throw new Error('no draft');
    expect(ok.reply?.confirmed).toBe(true);
    expect(ok.status.recipients.map((r) => r.acct)).toEqual(['bob@b.test']);
  });

  it("F-inbox-search: the inbox's new-conversation search lists the pinned contact before the instance's look-alike (invariant 8)", async () => {
    // bob@b.test is a pinned, verified contact (services().contactList). The user types "bob";
    // the instance ranks its look-alike first. The overlay's completion puts pinned contacts first
    // and marks look-alikes; the inbox shows the instance's order, each with "ready".
    const h = inbox({
      searchAccounts: () =>
        Promise.resolve({
          ok: true as const,
          value: [
            {
              id: '66',
              username: 'bob',
              acct: 'bob@b-test.example',
              uri: 'https://b-test.example/users/bob',
              fields: [],
            },
            { id: '5', username: 'bob', acct: 'bob@b.test', uri: 'https://b.test/users/bob', fields: [] },
          ],
        }),
    });
    const out = await h['inbox/search']({ account, query: 'bob' }, inboxSender);
    if (!('accounts' in out)) throw new Error('no search');
    expect(out.accounts.map((a) => a.acct)).toContain('bob@b-test.example');
    expect(out.accounts[0]?.acct).toBe('bob@b.test');
    expect(out.accounts.find((a) => a.acct === 'bob@b-test.example')).toMatchObject({
      contact: false,
      lookalikeOf: 'bob@b.test',
      ready: false,
      state: 'unchecked',
    });
  });

  it('F-inbox-search (pinning): an account that merely appears in a search is not looked up or pinned', async () => {
    // Every result used to go through discovery (checkRecipients pins a first key): the instance
    // could make the user pin its accounts by returning them for any query.
    let checked = 0;
    const h = inboxWith(
      {
        checkRecipients: (_a, accts) => {
          if (accts.length > 0) checked++;
          return Promise.resolve({ account: 'ready' as const, recipients: [] });
        },
      },
      {
        searchAccounts: () =>
          Promise.resolve({
            ok: true as const,
            value: [
              {
                id: '66',
                username: 'mallory',
                acct: 'mallory@evil.test',
                uri: 'https://evil.test/users/mallory',
                fields: [],
              },
            ],
          }),
      },
    );
    const out = await h['inbox/search']({ account, query: 'mallory' }, inboxSender);
    if (!('accounts' in out)) throw new Error('no search');
    expect(out.accounts.map((a) => a.acct)).toEqual(['mallory@evil.test']);
    expect(checked).toBe(0);
  });

  it("F-inbox-preview-replay: an old message re-delivered as a new conversation's last status is flagged in the conversation list", async () => {
    // The user read alice's message as status 600 (stored). The instance re-delivers the same
    // ciphertext as status 900, dated now, as the last status of a conversation. The list preview
    // keeps only state and text (flags are dropped) and dates the entry with the server's date.
    const s1 = status('600', '77', 'alice@alice.example', text);
    const s2 = status('900', '77', 'alice@alice.example', text, { created_at: '2027-06-01T08:00:00.000Z' });
    let listed = s1;
    const h = inbox({
      conversations: oneConversationWithAlice(() => listed),
    });
    await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    listed = s2;
    const out = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    if (!('items' in out)) throw new Error('no list');
    // Secure: the entry says it is a replay (or shows the signed time), not a fresh message.
    expect(out.items[0]?.preview).toMatchObject({ kind: 'hush', state: 'message' });
    expect(JSON.stringify(out.items[0])).toMatch(/replay/i);
    expect(out.items[0]?.preview).toMatchObject({ createdAt: 1_800_000_000 });
  });
});

describe('review (server): the inbox, no false alarms and unsigned extras', () => {
  it('a genuine chat: the user\'s own signed message is "mine", the listed sender is not flagged, a reply needs no confirmation', async () => {
    const fromAlice = status('800', '77', 'alice@alice.example', text);
    const cps = Array.from(text);
    cps[cps.length - 3] = String.fromCodePoint(0x4e01);
    const fromMe = status('801', '1', 'me', cps.join(''), { in_reply_to_id: '800' });
    const h = inboxWith(
      {
        decrypt: (_a, req) =>
          Promise.resolve(
            req.author.acct.startsWith('me')
              ? {
                  ok: true as const,
                  plaintext: 'mine',
                  sender: SELF,
                  recipients: [ALICE],
                  messageId: 'ef',
                  replyTo: 'ab',
                  createdAt: 1_800_000_050,
                }
              : {
                  ok: true as const,
                  plaintext: 'pay 100 to carol',
                  sender: ALICE,
                  recipients: [SELF],
                  messageId: 'ab',
                  replyTo: null,
                  createdAt: 1_800_000_000,
                },
          ),
      },
      {
        conversations: () =>
          Promise.resolve({
            ok: true as const,
            value: {
              items: [
                {
                  id: '9',
                  unread: false,
                  accounts: [{ id: '77', acct: 'alice@alice.example' }],
                  last_status: fromAlice,
                },
              ],
              next: null,
            },
          }),
        status: () => Promise.resolve({ ok: true as const, value: fromMe }),
        context: () => Promise.resolve({ ok: true as const, value: { ancestors: [fromAlice], descendants: [] } }),
        instance: () =>
          Promise.resolve({ ok: true as const, value: { domain: 'a.test', maxChars: 500, streaming: null } }),
      },
    );
    const list = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    if (!('items' in list)) throw new Error('no list');
    expect(list.items[0]?.preview).toMatchObject({
      sender: { acct: 'alice@alice.example' },
      senderListed: true,
      flags: [],
    });
    const thread = await h['inbox/thread'](
      { account, conversationId: '9', lastStatusId: '801', before: null },
      inboxSender,
    );
    if (!('messages' in thread)) throw new Error('no thread');
    expect(thread.messages.map((m) => m.mine)).toEqual([false, true]);
    const set = await h['inbox/draft-set'](
      { account, key: 'c9', text: 'ok', recipients: [], replyToStatusId: '800' },
      inboxSender,
    );
    if (!('status' in set)) throw new Error('no draft');
    expect(set.reply).toBeNull();
    expect(set.status.recipients.map((r) => r.acct)).toEqual(['alice@alice.example']);
  });

  it('R3: a poll or a quoted post on an encrypted status is marked not encrypted, not signed in the chat', async () => {
    const s = status('900', '77', 'alice@alice.example', text, { poll: { id: 'p1' }, quote: { state: 'accepted' } });
    const h = inbox(aloneInThread(s));
    const out = await h['inbox/thread'](
      { account, conversationId: '9', lastStatusId: '900', before: null },
      inboxSender,
    );
    if (!('messages' in out)) throw new Error('no thread');
    expect(out.messages[0]?.hush?.flags).toContainEqual({
      kind: 'unsigned_extras',
      cw: false,
      media: false,
      card: false,
      poll: true,
      quote: true,
    });
  });
});

describe('the inbox: a message signed with a revoked key (as the view frame: no text without a choice)', () => {
  const listing = (s: InboxStatus) => oneConversationWithAlice(() => s);
  const settle = () => new Promise((r) => setTimeout(r, 20));

  it('revoked: the list preview carries no text, fresh or from the sealed known list; the chat names the verdict', async () => {
    // alice's key was revoked (as compromised): what it signed is not authentic.
    let trust: 'verified' | 'revoked' = 'verified';
    const s = status('600', '77', 'alice@alice.example', text);
    const h = inboxWith(
      {
        senderTrust: (_a, x) =>
          Promise.resolve({ kind: trust, acct: 'alice@alice.example', fingerprint: x.fingerprint }),
      },
      {
        conversations: listing(s),
        ...aloneInThread(s),
      },
    );
    // Read while alice's key was good: the sealed known list keeps the preview's text.
    const before = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    if (!('items' in before)) throw new Error('no list');
    expect(before.items[0]?.preview).toMatchObject({ text: 'pay 100 to carol', sender: { trust: 'verified' } });
    await settle();
    trust = 'revoked';
    // The known list (shown at once on the next opening) looks the trust up now: no text.
    const known = await h['inbox/conversations']({ account, cursor: null, known: true }, inboxSender);
    if (!('items' in known) || known.source !== 'known') throw new Error(`no known list: ${JSON.stringify(known)}`);
    expect(known.items[0]?.preview).toMatchObject({ kind: 'hush', state: 'message', text: null });
    expect(known.items[0]?.preview).toMatchObject({ sender: { acct: 'alice@alice.example', trust: 'revoked' } });
    // The fresh list neither.
    const fresh = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    if (!('items' in fresh)) throw new Error('no list');
    expect(fresh.items[0]?.preview).toMatchObject({ kind: 'hush', state: 'message', text: null });
    expect(fresh.items[0]?.preview).toMatchObject({ sender: { trust: 'revoked' } });
    expect(JSON.stringify(fresh.items)).not.toContain('pay 100');
    // Nor the known list sealed from that answer.
    await settle();
    const again = await h['inbox/conversations']({ account, cursor: null, known: true }, inboxSender);
    if (!('items' in again)) throw new Error('no list');
    expect(JSON.stringify(again.items)).not.toContain('pay 100');
    // The chat gets the message with its verdict; the page keeps the text behind the reveal
    // (textHidden, as the view frame), checked in test/browser/inbox-hostile.browser.test.ts.
    const thread = await h['inbox/thread'](
      { account, conversationId: '9', lastStatusId: '600', before: null },
      inboxSender,
    );
    if (!('messages' in thread)) throw new Error('no thread');
    expect(thread.messages[0]?.hush).toMatchObject({ state: 'message', sender: { trust: 'revoked' } });
  });

  it('no false alarm: the other verdicts keep the text (the view frame shows it beside a warning too)', async () => {
    for (const kind of ['key_changed', 'identity_review', 'unverified'] as const) {
      const s = status('600', '77', 'alice@alice.example', text);
      const h = inboxWith(
        { senderTrust: (_a, x) => Promise.resolve({ kind, acct: 'alice@alice.example', fingerprint: x.fingerprint }) },
        { conversations: listing(s) },
      );
      const out = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
      if (!('items' in out)) throw new Error('no list');
      expect(out.items[0]?.preview, kind).toMatchObject({ text: 'pay 100 to carol', sender: { trust: kind } });
    }
  });
});

describe('the one rule for hidden text (textHidden), shared by the view frame, the inbox and its list', () => {
  it('hides a revoked key’s text only', async () => {
    const { textHidden } = await import('../../messaging/overlay-messages');
    expect(textHidden({ trust: 'revoked' })).toBe(true);
    for (const trust of ['self', 'verified', 'unverified', 'key_changed', 'identity_review', 'unknown'] as const)
      expect(textHidden({ trust }), trust).toBe(false);
    expect(textHidden(null)).toBe(false);
  });
});

describe('F5: the sealed known list names each preview’s own signer, with its trust now', () => {
  const settle = () => new Promise((r) => setTimeout(r, 20));
  type Conv = { id: string; unread: boolean; accounts: { id: string; acct: string }[]; last_status: InboxStatus };

  it('a listing naming one conversation id twice: the known list never puts one signer (and its trust) on the other’s message', async () => {
    // The instance lists conversation 9 twice: bob's message (bob's key revoked: not authentic),
    // then alice's (verified). Both rows are shown, each under its signed sender. The sealed list
    // kept one signer per conversation id: both rows got alice's, so bob's text read as
    // "@alice (verified)" on the next opening.
    const fromBob = status('700', '5', 'bob@b.test', text.replace(/^@\S+ /, '@me '));
    const fromAlice = status('600', '77', 'alice@alice.example', text);
    const items: Conv[] = [
      { id: '9', unread: true, accounts: [{ id: '5', acct: 'bob@b.test' }], last_status: fromBob },
      { id: '9', unread: true, accounts: [{ id: '77', acct: 'alice@alice.example' }], last_status: fromAlice },
    ];
    const h = inboxWith(
      {
        senderTrust: (_a, s) =>
          Promise.resolve(
            s.actorUri === BOB.actorUri
              ? { kind: 'revoked' as const, acct: 'bob@b.test', fingerprint: s.fingerprint }
              : { kind: 'verified' as const, acct: 'alice@alice.example', fingerprint: s.fingerprint },
          ),
      },
      { conversations: () => Promise.resolve({ ok: true as const, value: { items, next: null } }) },
    );
    const fresh = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    if (!('items' in fresh)) throw new Error('no list');
    const senders = (l: readonly { lastStatusId: string; preview: unknown }[]) =>
      l.map((i) => [i.lastStatusId, (i.preview as { sender: unknown }).sender]);
    expect(senders(fresh.items)).toEqual([
      ['700', { acct: 'bob@b.test', trust: 'revoked' }],
      ['600', { acct: 'alice@alice.example', trust: 'verified' }],
    ]);
    await settle();
    const known = await h['inbox/conversations']({ account, cursor: null, known: true }, inboxSender);
    if (!('items' in known) || known.source !== 'known') throw new Error('no known list');
    // Secure: the known list says what the fresh list (and the chat) says, row by row.
    expect(senders(known.items)).toEqual(senders(fresh.items));
  });

  it('a replayed message as the last status: the known list looks its trust up now too (a revocation since shows)', async () => {
    // alice's message was read as status 600; the instance re-delivers it as 900, the last status
    // of a conversation (flagged replayed). Its key is revoked after the list was sealed.
    let trust: 'verified' | 'revoked' = 'verified';
    const s1 = status('600', '77', 'alice@alice.example', text);
    const s2 = status('900', '77', 'alice@alice.example', text);
    let listed = s1;
    const h = inboxWith(
      {
        senderTrust: (_a, x) =>
          Promise.resolve({ kind: trust, acct: 'alice@alice.example', fingerprint: x.fingerprint }),
      },
      {
        conversations: oneConversationWithAlice(() => listed),
      },
    );
    await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    listed = s2;
    const replay = await h['inbox/conversations']({ account, cursor: null }, inboxSender);
    if (!('items' in replay)) throw new Error('no list');
    expect(JSON.stringify(replay.items[0]?.preview)).toMatch(/replayed/);
    await settle();
    trust = 'revoked';
    const known = await h['inbox/conversations']({ account, cursor: null, known: true }, inboxSender);
    if (!('items' in known) || known.source !== 'known') throw new Error('no known list');
    // Secure: never the trust cached when the list was sealed ("verified"), and no text.
    expect(known.items[0]?.preview).toMatchObject({ sender: { trust: 'revoked' }, text: null });
  });
});
