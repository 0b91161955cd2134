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
});
