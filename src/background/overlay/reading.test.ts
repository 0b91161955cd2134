import { describe, expect, it } from 'vitest';
import type { DecryptOutcome, KeyServices } from '../services';
import { badgeFor, Reader, type CacheArea } from './reading';

const ok = (over: Partial<Extract<DecryptOutcome, { ok: true }>> = {}): DecryptOutcome => ({
  ok: true, plaintext: 'hello', senderMismatch: false, recipients: [], messageId: '00', replyTo: null, createdAt: 1,
  sender: { acct: 'bob@b.test', actorUri: 'https://b.test/users/bob', trust: 'verified', fingerprint: 'abcd' },
  ...over,
});

describe('badgeFor', () => {
  it('shows the authenticated sender and trust', () => {
    expect(badgeFor(ok()).badge).toMatchObject({ kind: 'verified', sender: 'bob@b.test', fingerprint: 'abcd' });
    expect(badgeFor(ok({ sender: { acct: 'bob@b.test', actorUri: 'x', trust: 'unverified', fingerprint: 'f' } })).badge.kind).toBe('unverified');
    expect(badgeFor(ok({ sender: { acct: 'bob@b.test', actorUri: 'x', trust: 'changed', fingerprint: 'f' } })).badge.kind).toBe('key_changed');
  });

  it('never shows the text of a message whose sender is not the author', () => {
    const shown = badgeFor(ok({ senderMismatch: true }));
    expect(shown).toMatchObject({ plaintext: null, badge: { kind: 'sender_mismatch' } });
  });

  it('maps failures to badges without text', () => {
    expect(badgeFor({ ok: false, reason: 'locked', message: '' })).toMatchObject({ plaintext: null, badge: { kind: 'locked' } });
    expect(badgeFor({ ok: false, reason: 'unknown_sender', message: '' }).badge.kind).toBe('sender_mismatch');
    expect(badgeFor({ ok: false, reason: 'bad_signature', message: '' }).badge).toMatchObject({ kind: 'cannot_decrypt', reason: 'bad_signature' });
  });
});

describe('Reader', () => {
  const services = (): KeyServices => ({
    checkRecipients: () => Promise.reject(new Error('unused')),
    encrypt: () => Promise.reject(new Error('unused')),
    decrypt: () => Promise.resolve(ok()),
    sealLocal: () => Promise.resolve('locked' as const),
    openLocal: () => Promise.resolve('locked' as const),
    searchAccounts: () => Promise.resolve([]),
  });
  const memory = (): CacheArea => {
    const m = new Map<string, unknown>();
    return { get: (k) => Promise.resolve(m.has(k) ? { [k]: m.get(k) } : {}), set: (items) => {
      for (const [k, v] of Object.entries(items)) m.set(k, v);
      return Promise.resolve();
    } };
  };
  const account = { origin: 'https://a.test', accountId: '1' };

  it('refuses text that is not a Hush status without throwing', async () => {
    const r = new Reader(services(), memory());
    for (const text of ['', 'hello', '[Hush encrypted message] not hush16 at all', '[Hush encrypted message] 丂丂丂']) {
      const out = await r.open(account, { statusId: '1', text, author: { acct: 'bob@b.test', actorUri: null }, mentions: [] });
      expect(out.kind).toBe('not_hush');
    }
  });

  // A real Hush status (so inspectChunk parses it) and a forged one reusing its message id.
  const genuine = async (): Promise<{ text: string; forged: string }> => {
    const { init, encryptMessage } = await import('../../protocol/index');
    const { ALICE, BOB, live, mentionOf, NOW } = await import('../../../test/vectors/fixtures');
    await init();
    const alice = live(ALICE);
    const bob = live(BOB);
    const r = encryptMessage({ sender: { identity: alice.identity, chain: alice.chain }, recipients: [bob.key], plaintext: 'hi', now: NOW, statusBudget: { maxChars: 500, mentionText: `${mentionOf(BOB)} ` } });
    if (!r.ok) throw new Error(r.reason);
    const text = r.value.statuses[0] ?? '';
    // Same header (message id), one body character changed: parses, but cannot verify.
    const cps = Array.from(text); // code points: every Hush16 character is one
    const at = cps.length - 8;
    cps[at] = cps[at] === '\u4e00' ? '\u4e01' : '\u4e00';
    return { text, forged: cps.join('') };
  };

  it('locking hides plaintext already shown; unlocking brings it back (none is kept in memory)', async () => {
    const { text } = await genuine();
    let locked = false;
    const svc: KeyServices = {
      ...services(),
      decrypt: () => Promise.resolve(locked ? { ok: false, reason: 'locked', message: '' } : ok()),
      sealLocal: (_a, d) => Promise.resolve(locked ? ('locked' as const) : d),
      openLocal: (_a, d) => Promise.resolve(locked ? ('locked' as const) : d),
    };
    const r = new Reader(svc, memory());
    const opened = await r.open(account, { statusId: 's1', text, author: { acct: 'alice@alice.example', actorUri: null }, mentions: ['bob'] });
    if (opened.kind !== 'message') throw new Error(opened.kind);
    expect(opened.shown.plaintext).toBe('hello');
    locked = true;
    expect(await r.shown(account, opened.key)).toMatchObject({ plaintext: null, badge: { kind: 'locked' } });
    locked = false;
    expect((await r.shown(account, opened.key)).plaintext).toBe('hello');
  });

  it('an unverifiable post reusing a message id cannot get the genuine message marked replayed or hidden', async () => {
    const { text, forged } = await genuine();
    const svc: KeyServices = {
      ...services(),
      decrypt: (_a, req) => Promise.resolve(req.chunks[0]?.text === text ? ok() : { ok: false, reason: 'bad_signature', message: '' }),
      sealLocal: (_a, d) => Promise.resolve(d),
      openLocal: (_a, d) => Promise.resolve(d),
    };
    const r = new Reader(svc, memory());
    const author = { acct: 'alice@alice.example', actorUri: null };
    const junk = await r.open(account, { statusId: 'forged', text: forged, author, mentions: ['bob'] });
    expect(junk.kind === 'message' && junk.shown.badge).toMatchObject({ kind: 'cannot_decrypt', reason: 'bad_signature' });
    const real = await r.open(account, { statusId: 'real', text, author, mentions: ['bob'] });
    expect(real.kind === 'message' && real.shown).toMatchObject({ plaintext: 'hello', badge: { kind: 'verified' } });
    // A verified message re-posted under a new status id is a replay.
    const replay = await r.open(account, { statusId: 'again', text, author, mentions: ['bob'] });
    expect(replay.kind === 'message' && replay.shown.badge.kind).toBe('replayed');
  });

  it('DM-column entries (conversation ids, no status id) are decrypted without a replay verdict', async () => {
    const { text } = await genuine();
    const requests: (boolean | undefined)[] = [];
    const svc: KeyServices = {
      ...services(),
      decrypt: (_a, req) => {
        requests.push(req.checkReplay);
        return Promise.resolve(ok());
      },
      sealLocal: (_a, d) => Promise.resolve(d),
      openLocal: (_a, d) => Promise.resolve(d),
    };
    const r = new Reader(svc, memory());
    const author = { acct: 'alice@alice.example', actorUri: null };
    const inThread = await r.open(account, { statusId: '111', text, author, mentions: ['bob'] });
    expect(inThread.kind === 'message' && inThread.shown.plaintext).toBe('hello');
    const inColumn = await r.open(account, { statusId: 'c42', text, author, mentions: ['bob'], context: 'conversation' });
    expect(inColumn.kind === 'message' && inColumn.shown.badge.kind).not.toBe('replayed');
    expect(requests[0]).toBe(true);
  });

  it('an edited status (same id, new text) is decrypted again: the cached plaintext of the old text is never shown for it', async () => {
    const { text, forged } = await genuine();
    const svc: KeyServices = {
      ...services(),
      decrypt: (_a, req) => Promise.resolve(req.chunks[0]?.text === text ? ok() : { ok: false, reason: 'bad_signature', message: '' }),
      sealLocal: (_a, d) => Promise.resolve(d),
      openLocal: (_a, d) => Promise.resolve(d),
    };
    const cache = memory();
    const author = { acct: 'alice@alice.example', actorUri: null };
    const before = await new Reader(svc, cache).open(account, { statusId: 's9', text, author, mentions: ['bob'] });
    expect(before.kind === 'message' && before.shown.plaintext).toBe('hello');
    // The server edits the status in place; a fresh reader (e.g. after a worker restart) shares the sealed cache.
    for (const r of [new Reader(svc, cache)]) {
      const after = await r.open(account, { statusId: 's9', text: forged, author, mentions: ['bob'] });
      expect(after.kind === 'message' && after.shown).toMatchObject({ plaintext: null, badge: { kind: 'cannot_decrypt', reason: 'bad_signature' } });
      // Edited back: the original text is the original message again.
      const back = await r.open(account, { statusId: 's9', text, author, mentions: ['bob'] });
      expect(back.kind === 'message' && back.shown.plaintext).toBe('hello');
    }
  });
});
