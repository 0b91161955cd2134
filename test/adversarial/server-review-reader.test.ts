/**
 * Attacks found by an independent server-side review (2026-12-07), reproduced before their fixes:
 * each asserts the SECURE behaviour and failed on the code as reviewed. Node only: the real
 * Reader, fake KeyServices (the decryption itself is not what is attacked here). The inbox's
 * findings live with the inbox's tests.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecryptOutcome, KeyServices } from '../../src/background/services';
import type { StorageArea } from '../../src/background/overlay/message-store';
import { Reader, type SeenStatus } from '../../src/background/overlay/reading';

const ALICE = { actorUri: 'https://alice.example/users/alice', fingerprint: 'alicefp' };
const SELF = { actorUri: 'https://a.test/users/me', fingerprint: 'mefp' };
const account = { origin: 'https://a.test', accountId: '1' };
const NO_EXTRAS = { cw: false, media: false, card: false };
const author = { acct: 'alice@alice.example', actorUri: null };
const seen = (statusId: string, text: string, over: Partial<SeenStatus> = {}): SeenStatus => ({
  statusId,
  text,
  author,
  mentions: ['me@a.test'],
  serverTime: null,
  extras: NO_EXTRAS,
  ...over,
});

function memory(): StorageArea & { size: () => number } {
  const m = new Map<string, unknown>();
  return {
    size: () => m.size,
    get: (keys) => Promise.resolve(Object.fromEntries(keys.filter((k) => m.has(k)).map((k) => [k, m.get(k)]))),
    set: (items) => {
      for (const [k, v] of Object.entries(items)) m.set(k, v);
      return Promise.resolve();
    },
    remove: (keys) => {
      for (const k of keys) m.delete(k);
      return Promise.resolve();
    },
  };
}

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
  const { init, encryptMessage } = await import('../../src/protocol/index');
  const { ALICE: A, BOB, live, mentionOf, NOW } = await import('../vectors/fixtures');
  await init();
  const alice = live(A);
  const bob = live(BOB);
  const r = encryptMessage({
    sender: { identity: alice.identity, chain: alice.chain },
    recipients: [bob.key],
    plaintext: 'x',
    now: NOW,
    statusBudget: { maxChars: 500, mentionText: `${mentionOf(BOB)} ` },
  });
  if (!r.ok) throw new Error(r.reason);
  text = r.value.statuses[0] ?? '';
});

describe('review (server): replay memory', () => {
  it('F-replay-c: a message first shown as an unnamed DM-column entry, then under TWO status ids: the second copy is flagged replayed', async () => {
    // The instance makes the DM column's conversations API fail (or omit the entry), so the page's
    // entry is read as `c<id>`; then it delivers the same signed message twice in the timeline.
    const r = new Reader({ services: services(), area: memory(), now: () => Promise.resolve(1_800_000_100) });
    await r.open(account, seen('c42', text));
    expect((await r.view(account, 'c42')).state).toBe('message');
    await r.open(account, seen('111', text));
    await r.open(account, seen('222', text));
    const a = await r.view(account, '111');
    const b = await r.view(account, '222');
    expect(a.state).toBe('message');
    expect(b.state).toBe('message');
    // Secure: the two statuses cannot both be the message's own; at least one is a replay.
    const flagged = [a, b].filter((v) => v.flags.some((f) => f.kind === 'replayed'));
    expect(flagged.length).toBeGreaterThanOrEqual(1);
  });
});

describe('review (server): the signed reply context', () => {
  it("F-reply-ctx: a co-recipient's message reusing the parent's message id is not shown as what alice answered", async () => {
    // Group: me, alice, mallory. I ask Q ("delete the files?"); mallory sends Q' with the SAME message
    // id (ids are public in the clear header, chosen by each sender, and signed only as hers);
    // alice answers Q ("yes", reply_to = Q's id). The view's "In reply to" is chosen by message id
    // among the answer's parties, first seen first.
    const MALLORY = { actorUri: 'https://evil.test/users/mallory', fingerprint: 'mfp' };
    const byAuthor: Record<string, DecryptOutcome> = {
      mallory: {
        ok: true,
        plaintext: 'keep the files?',
        sender: MALLORY,
        recipients: [SELF, ALICE],
        messageId: 'aa',
        replyTo: null,
        createdAt: 1_800_000_000,
      },
      me: {
        ok: true,
        plaintext: 'delete the files?',
        sender: SELF,
        recipients: [ALICE, MALLORY],
        messageId: 'aa',
        replyTo: null,
        createdAt: 1_800_000_001,
      },
      alice: {
        ok: true,
        plaintext: 'yes',
        sender: ALICE,
        recipients: [SELF, MALLORY],
        messageId: 'bb',
        replyTo: 'aa',
        createdAt: 1_800_000_002,
      },
    };
    const svc = services();
    const handles: Record<string, string> = {
      [MALLORY.actorUri]: 'mallory@evil.test',
      [SELF.actorUri]: 'me@a.test',
      [ALICE.actorUri]: 'alice@alice.example',
    };
    const r = new Reader({
      services: {
        ...svc,
        decrypt: (_a, req) => Promise.resolve(byAuthor[req.author.acct.split('@')[0] ?? ''] as DecryptOutcome),
        handlesOf: (_a, u) => Promise.resolve(u.map((x) => handles[x] ?? null)),
      },
      area: memory(),
      now: () => Promise.resolve(1_800_000_100),
    });
    const cps = Array.from(text);
    const variant = (k: number) => {
      const c = [...cps];
      c[c.length - 3] = String.fromCodePoint(0x4e00 + k);
      return c.join('');
    };
    await r.open(account, seen('10', variant(1), { author: { acct: 'mallory@evil.test', actorUri: null } }));
    await r.view(account, '10');
    await r.open(account, seen('11', variant(2), { author: { acct: 'me@a.test', actorUri: null } }));
    await r.view(account, '11');
    await r.open(account, seen('12', variant(3), { author: { acct: 'alice@alice.example', actorUri: null } }));
    const v = await r.view(account, '12');
    expect(v.plaintext).toBe('yes');
    // Secure: never "In reply to @mallory: keep the files?" (not what alice answered); the user's own
    // question, or no context (ambiguous), are both acceptable.
    expect(v.replyTo?.snippet).not.toBe('keep the files?');
  });
});

describe('review (server): storage the server can drive', () => {
  it('F-evict: 2000 messages from a sock account (pinned on sight) do not evict the record of an older message from alice', async () => {
    // The operator makes a Hush account, sends the user 2000 tiny messages (or serves them in one
    // /context answer to the inbox); each is verified and stored, and the store keeps MAX_MESSAGES
    // per account, oldest out: alice's message (its sealed plaintext, status and replay records) goes.
    // Its prekey is pruned after the grace window, so it can then never be read again, and a replay
    // of it is no longer recognised.
    const MOCK = { actorUri: 'https://evil.test/users/sock', fingerprint: 'sockfp' };
    const svc = services();
    const area = memory();
    const r = new Reader({
      services: {
        ...svc,
        decrypt: async (_a, req) =>
          req.author.acct.startsWith('sock')
            ? {
                ok: true as const,
                plaintext: 'spam',
                sender: MOCK,
                recipients: [SELF],
                messageId: req.chunks[0]?.statusId ?? '',
                replyTo: null,
                createdAt: 1_800_000_000,
              }
            : svc.decrypt(_a, req),
      },
      area,
      now: () => Promise.resolve(1_800_000_100),
    });
    await r.open(account, seen('1', text));
    expect((await r.view(account, '1')).plaintext).toBe('pay 100 to carol');
    expect(await r.store(account).status('1')).not.toBeNull();
    const cps = Array.from(text);
    const CJK = 0x4e00;
    for (let i = 0; i < 2001; i++) {
      const copy = [...cps];
      const at = cps.length - 2 - (i % 40);
      copy[at] = String.fromCodePoint(CJK + ((i / 40) | 0) + 1);
      const id = `s${i}`;
      await r.open(account, seen(id, copy.join(''), { author: { acct: 'sock@evil.test', actorUri: null } }));
      await r.view(account, id);
    }
    // Secure: alice's message is still remembered (read again after a restart without its prekey).
    expect(await r.store(account).status('1')).not.toBeNull();
  });
});
