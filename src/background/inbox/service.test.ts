/**
 * The inbox service with a fake instance API (issue #18): bounded drafts, the conversation list's
 * chunk threads, the sealed last-known list and the reused thread. The real Reader and inbox
 * handlers; fake KeyServices (decrypt accepts every text as alice's message: the signature is not
 * what is tested here) and a fake MastodonApi.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecryptOutcome, KeyServices, SenderTrustKind } from '../services';
import { aliceToBob, memoryArea } from '../overlay/reader-fixture';
import { Reader } from '../overlay/reading';
import { createInboxHandlers, MAX_DRAFTS, type InboxDeps } from './service';
import type { ConversationJson, InboxStatus, MastodonApi } from '../network/mastodon';
import type { InboxStore } from './store';
import { fixedDeps, inboxStatus } from './inbox-fixture';
import type { SenderContext } from '../senders';

const ALICE = { actorUri: 'https://alice.example/users/alice', fingerprint: 'alicefp' };
const SELF = { actorUri: 'https://a.test/users/me', fingerprint: 'mefp' };
const account = { origin: 'https://a.test', accountId: '1' };
const PLAINTEXT = 'the long message, in several parts';
const page: SenderContext = { kind: 'extension-page', tabId: 1, origin: 'chrome-extension://x', path: '/inbox.html' };

/** What the fake key services say now: changed by a test to show that badges are looked up again. */
const now = { trust: 'verified' as SenderTrustKind, locked: false };
const xor = (d: Uint8Array): Uint8Array => d.map((b) => b ^ 0x5a);

function services(): KeyServices {
  const ok: DecryptOutcome = {
    ok: true,
    plaintext: PLAINTEXT,
    sender: ALICE,
    recipients: [SELF],
    messageId: 'ab',
    replyTo: null,
    createdAt: 1_800_000_000,
  };
  return {
    checkRecipients: () =>
      Promise.resolve({ account: now.locked ? ('locked' as const) : ('ready' as const), recipients: [] }),
    encrypt: () => Promise.reject(new Error('unused')),
    decrypt: () => Promise.resolve(ok),
    senderTrust: (_a, s) =>
      Promise.resolve({ kind: now.trust, acct: 'alice@alice.example', fingerprint: s.fingerprint }),
    handlesOf: (_a, u) => Promise.resolve(u.map((x) => (x === SELF.actorUri ? 'me@a.test' : 'alice@alice.example'))),
    // A stand-in for the account's local key: what is stored must not be the plaintext.
    sealLocal: (_a, d) => Promise.resolve(now.locked ? ('locked' as const) : xor(d)),
    openLocal: (_a, d) => Promise.resolve(now.locked ? ('locked' as const) : xor(d)),
    searchAccounts: () => Promise.resolve([]),
    contactList: () =>
      Promise.resolve([
        {
          acct: 'alice@alice.example',
          trust: now.trust === 'key_changed' ? ('changed' as const) : ('verified' as const),
          usable: true,
        },
      ]),
  };
}

/** A genuine two-part (or longer) Hush message's status texts, and a one-part one (protocol/index, test vectors' parties). */
let parts: string[] = [];
let single = '';
beforeAll(async () => {
  parts = await aliceToBob('x'.repeat(900));
  single = (await aliceToBob('x'))[0] ?? '';
});

/** A direct status from alice (account 77) to the user. */
const status = (id: string, content: string, over: Partial<InboxStatus> = {}): InboxStatus =>
  inboxStatus(id, '77', 'alice@alice.example', content, over);

function harness(api: Partial<MastodonApi>) {
  now.trust = 'verified';
  now.locked = false;
  const session = memoryArea({ clone: true });
  const local = memoryArea({ clone: true });
  const all = services();
  const deps: InboxDeps = {
    services: all,
    reader: new Reader({ services: all, area: memoryArea({ clone: true }), now: () => Promise.resolve(1_800_000_100) }),
    statusApi: {} as never,
    api: {
      instance: () =>
        Promise.resolve({ ok: true as const, value: { domain: 'a.test', maxChars: 500, streaming: null } }),
      ...api,
    } as unknown as MastodonApi,
    store: {
      token: () => Promise.resolve({ token: 'tok' }),
      connection: () => Promise.resolve(null),
      connections: () => Promise.resolve([]),
      forget: () => Promise.resolve(),
      apps: () => Promise.resolve([]),
    } as unknown as InboxStore,
    session,
    local,
    ...fixedDeps(account),
    lockState: () => Promise.resolve({ locked: now.locked, hasPassphrase: true }),
  };
  return { h: createInboxHandlers(deps), session, local };
}

const listOf =
  (...items: ConversationJson[]) =>
  () =>
    Promise.resolve({ ok: true as const, value: { items, next: null } });
const conv = (id: string, last: InboxStatus): ConversationJson => ({
  id,
  unread: false,
  accounts: [{ id: '77', acct: 'alice@alice.example' }],
  last_status: last,
});

describe('inbox drafts', () => {
  it(`keeps at most ${MAX_DRAFTS} drafts, the least recently written evicted first`, async () => {
    const { h, session } = harness({});
    for (let i = 0; i < MAX_DRAFTS + 5; i++)
      await h['inbox/draft-set'](
        { account, key: `c${i}`, text: `draft ${i}`, recipients: ['alice@alice.example'], replyToStatusId: null },
        page,
      );
    // c0 written again: now the most recent, so it stays.
    await h['inbox/draft-set'](
      { account, key: 'c0', text: 'draft 0 again', recipients: [], replyToStatusId: null },
      page,
    );
    const drafts = [...session.dump().keys()].filter((k) => k.startsWith('inbox-draft:'));
    expect(drafts).toHaveLength(MAX_DRAFTS);
    const text = async (key: string) => {
      const r = await h['inbox/draft-get']({ account, key }, page);
      return 'draft' in r ? r.draft.text : null;
    };
    expect(await text('c0')).toBe('draft 0 again');
    for (const gone of ['c1', 'c2', 'c3', 'c4', 'c5']) expect(await text(gone)).toBe('');
    expect(await text('c6')).toBe('draft 6');
    expect(await text(`c${MAX_DRAFTS + 4}`)).toBe(`draft ${MAX_DRAFTS + 4}`);
  });

  it('never evicts a draft whose message is partly posted (the job resumes it)', async () => {
    const { h, session } = harness({});
    await h['inbox/draft-set']({ account, key: 'c0', text: 'half sent', recipients: [], replyToStatusId: null }, page);
    const k = `inbox-draft:${account.origin}|${account.accountId}|c0`;
    const d = session.dump().get(k) as Record<string, unknown>;
    await session.set({ [k]: { ...d, job: { postedIds: ['901'], statuses: ['a', 'b'] } } });
    for (let i = 1; i <= MAX_DRAFTS + 3; i++)
      await h['inbox/draft-set']({ account, key: `c${i}`, text: `d${i}`, recipients: [], replyToStatusId: null }, page);
    const r = await h['inbox/draft-get']({ account, key: 'c0' }, page);
    expect('draft' in r && r.draft.text).toBe('half sent');
    const drafts = [...session.dump().keys()].filter((x) => x.startsWith('inbox-draft:'));
    expect(drafts).toHaveLength(MAX_DRAFTS);
  });
});

describe('inbox list: a last status that is a later part of a chunk thread', () => {
  it('reads the earlier parts and previews the whole message, not "incomplete"', async () => {
    expect(parts.length).toBeGreaterThan(1);
    const statuses = parts.map((p, i) =>
      status(String(500 + i), p, { in_reply_to_id: i === 0 ? null : String(499 + i) }),
    );
    const last = statuses[statuses.length - 1] as InboxStatus;
    const asked: string[] = [];
    const { h } = harness({
      conversations: listOf(conv('9', last)),
      status: (_o, _t, id) => {
        asked.push(id);
        const s = statuses.find((x) => x.id === id);
        return Promise.resolve(
          s
            ? { ok: true as const, value: s }
            : { ok: false as const, kind: 'status' as const, status: 404, message: '' },
        );
      },
    });
    const out = await h['inbox/conversations']({ account, cursor: null }, page);
    if (!('items' in out)) throw new Error(JSON.stringify(out));
    expect(out.items[0]?.preview).toMatchObject({ kind: 'hush', state: 'message', text: PLAINTEXT });
    // Walked back through the reply links, each earlier part once.
    expect(asked).toEqual(
      statuses
        .slice(0, -1)
        .map((s) => s.id)
        .reverse(),
    );
  });

  it('stays "incomplete" (no plaintext) when the instance withholds an earlier part', async () => {
    const statuses = parts.map((p, i) =>
      status(String(500 + i), p, { in_reply_to_id: i === 0 ? null : String(499 + i) }),
    );
    const last = statuses[statuses.length - 1] as InboxStatus;
    const { h } = harness({
      conversations: listOf(conv('9', last)),
      status: () => Promise.resolve({ ok: false as const, kind: 'status' as const, status: 404, message: '' }),
    });
    const out = await h['inbox/conversations']({ account, cursor: null }, page);
    if (!('items' in out)) throw new Error(JSON.stringify(out));
    expect(out.items[0]?.preview).toMatchObject({ kind: 'hush', state: 'incomplete', text: null });
  });
});

describe('inbox: the last known list and thread', () => {
  it('answers the last listing sealed, with badges from the contacts now, and nothing when locked', async () => {
    let listed = 0;
    const last = status('500', single);
    const { h, local } = harness({
      conversations: () => {
        listed++;
        return listOf(conv('9', last))();
      },
    });
    const none = await h['inbox/conversations']({ account, cursor: null, known: true }, page);
    expect(none).toMatchObject({ result: 'ok', source: 'none', items: [] });
    const fresh = await h['inbox/conversations']({ account, cursor: null }, page);
    if (!('items' in fresh)) throw new Error(JSON.stringify(fresh));
    expect(fresh.source).toBe('instance');
    await new Promise((r) => setTimeout(r, 10)); // the sealed copy is written after the answer
    // Stored sealed: no plaintext, no participant in the clear in storage.local.
    const stored = JSON.stringify([...local.dump().entries()]);
    expect(stored).toContain('hush-inbox:known-list:');
    expect(stored).not.toContain(PLAINTEXT.slice(0, 12));
    expect(stored).not.toContain('alice@alice.example');

    now.trust = 'key_changed';
    const known = await h['inbox/conversations']({ account, cursor: null, known: true }, page);
    if (!('items' in known)) throw new Error(JSON.stringify(known));
    expect(listed).toBe(1); // not asked of the instance
    expect(known.source).toBe('known');
    expect(known.items.map((i) => i.id)).toEqual(fresh.items.map((i) => i.id));
    expect(known.items[0]?.preview).toMatchObject({ sender: { trust: 'key_changed' } });

    now.locked = true;
    expect(await h['inbox/conversations']({ account, cursor: null, known: true }, page)).toMatchObject({
      result: 'locked',
    });
  });

  it('a disconnect while a listing runs leaves no sealed list behind, and forgets the threads kept in memory', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const last = status('500', single);
    const thread = Array.from({ length: 3 }, (_, i) =>
      status(String(1000 + i), `plain ${i}`, { in_reply_to_id: i === 0 ? null : String(999 + i) }),
    );
    const { h, local } = harness({
      conversations: async () => {
        await held;
        return listOf(conv('9', last))();
      },
      status: () => Promise.resolve({ ok: true as const, value: thread[2] as InboxStatus }),
      context: () => Promise.resolve({ ok: true as const, value: { ancestors: thread.slice(0, 2), descendants: [] } }),
    });
    const ask = { account, conversationId: '9', lastStatusId: '1002', before: null };
    await h['inbox/thread'](ask, page);
    expect(await h['inbox/thread']({ ...ask, known: true }, page)).toMatchObject({ source: 'known' });
    const listing = h['inbox/conversations']({ account, cursor: null }, page);
    await new Promise((r) => setTimeout(r, 5));
    await h['inbox/disconnect']({ account }, page);
    release();
    await listing;
    await new Promise((r) => setTimeout(r, 10)); // where the sealed copy used to be written
    expect(JSON.stringify([...local.dump().entries()])).not.toContain('hush-inbox:known-list:');
    expect(await h['inbox/thread']({ ...ask, known: true }, page)).toMatchObject({ source: 'none', messages: [] });
  });

  it('a thread read moments ago answers `known` and older pages without asking the instance again', async () => {
    const statuses = Array.from({ length: 40 }, (_, i) =>
      status(String(1000 + i), `plain ${i}`, { in_reply_to_id: i === 0 ? null : String(999 + i) }),
    );
    const last = statuses[39] as InboxStatus;
    let contexts = 0;
    const { h } = harness({
      status: () => Promise.resolve({ ok: true as const, value: last }),
      context: () => {
        contexts++;
        return Promise.resolve({ ok: true as const, value: { ancestors: statuses.slice(0, 39), descendants: [] } });
      },
    });
    const ask = { account, conversationId: '9', lastStatusId: last.id, before: null };
    expect(await h['inbox/thread']({ ...ask, known: true }, page)).toMatchObject({ source: 'none', messages: [] });
    const fresh = await h['inbox/thread'](ask, page);
    if (!('messages' in fresh)) throw new Error(JSON.stringify(fresh));
    expect(fresh.messages).toHaveLength(30);
    const known = await h['inbox/thread']({ ...ask, known: true }, page);
    if (!('messages' in known)) throw new Error(JSON.stringify(known));
    expect(known.source).toBe('known');
    expect(known.messages.map((m) => m.statusIds)).toEqual(fresh.messages.map((m) => m.statusIds));
    const older = await h['inbox/thread']({ ...ask, before: fresh.older }, page);
    if (!('messages' in older)) throw new Error(JSON.stringify(older));
    expect(older.messages).toHaveLength(10);
    expect(contexts).toBe(1);
  });

  it('answers a thread in batches: the newest `limit` first, then each batch before it, in order, none twice', async () => {
    const statuses = Array.from({ length: 40 }, (_, i) =>
      status(String(1000 + i), `plain ${i}`, { in_reply_to_id: i === 0 ? null : String(999 + i) }),
    );
    const last = statuses[39] as InboxStatus;
    const { h } = harness({
      status: () => Promise.resolve({ ok: true as const, value: last }),
      context: () =>
        Promise.resolve({ ok: true as const, value: { ancestors: statuses.slice(0, 39), descendants: [] } }),
    });
    const ask = { account, conversationId: '9', lastStatusId: last.id, before: null };
    const texts = (a: Awaited<ReturnType<(typeof h)['inbox/thread']>>): string[] => {
      if (!('messages' in a)) throw new Error(JSON.stringify(a));
      return a.messages.map((m) => m.plain ?? '');
    };
    const firstScreen = await h['inbox/thread']({ ...ask, limit: 12 }, page);
    expect(texts(firstScreen)).toEqual(Array.from({ length: 12 }, (_, k) => `plain ${28 + k}`));
    if (!('older' in firstScreen) || firstScreen.older === null) throw new Error('no older');
    const rest = await h['inbox/thread']({ ...ask, before: firstScreen.older, limit: 18 }, page);
    expect(texts(rest)).toEqual(Array.from({ length: 18 }, (_, k) => `plain ${10 + k}`));
    if (!('older' in rest) || rest.older === null) throw new Error('no older');
    const oldest = await h['inbox/thread']({ ...ask, before: rest.older, limit: 18 }, page);
    expect(texts(oldest)).toEqual(Array.from({ length: 10 }, (_, k) => `plain ${k}`));
    expect('older' in oldest && oldest.older).toBeNull();
    // Without a limit: a page of 30, as before.
    expect(texts(await h['inbox/thread'](ask, page))).toHaveLength(30);
    // A cursor that is no longer in the thread: nothing older, never the newest page again.
    const gone = await h['inbox/thread']({ ...ask, before: '999', limit: 18 }, page);
    expect(texts(gone)).toEqual([]);
    expect('older' in gone && gone.older).toBeNull();
  });
});
