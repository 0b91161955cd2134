/**
 * Independent review (attacker: the page, or either instance). A message in several parts is
 * grouped by (author, message id, part count); each part keeps at most 4 candidate statuses, first
 * seen first, and a fifth is dropped. The clear header (message id, index, count) is public, so
 * the page can draw four look-alike copies of part 2 (the genuine header, any body) under ids it
 * invents before the genuine part 2 is on screen. The genuine part is then never a candidate and
 * the genuine message cannot verify: the user sees a failure on alice's genuine message (a false
 * alarm; the single-part case was fixed as review F5, the multi-part one was not).
 *
 * Secure behaviour asserted: the genuine two-part message reads as a message. Failed before the
 * fix (a full candidate list now lets its oldest unverified candidate go).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecryptOutcome, KeyServices } from '../../src/background/services';
import type { StorageArea } from '../../src/background/overlay/message-store';
import { Reader, type SeenStatus } from '../../src/background/overlay/reading';

const SENDER = { actorUri: 'https://a.test/users/alice', fingerprint: 'abcd' };
const account = { origin: 'https://b.test', accountId: '1' };
const seen = (statusId: string, text: string): SeenStatus => ({
  statusId,
  text,
  author: { acct: 'alice@a.test', actorUri: null },
  mentions: ['bob'],
  serverTime: null,
  extras: { cw: false, media: false, card: false },
});

function memory(): StorageArea {
  const m = new Map<string, unknown>();
  return {
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

let parts: string[] = [];
beforeAll(async () => {
  const { init, encryptMessage } = await import('../../src/protocol/index');
  const { ALICE, BOB, live, mentionOf, NOW } = await import('../vectors/fixtures');
  await init();
  const alice = live(ALICE);
  const bob = live(BOB);
  const r = encryptMessage({
    sender: { identity: alice.identity, chain: alice.chain },
    recipients: [bob.key],
    plaintext: 'a long message '.repeat(60),
    now: NOW,
    statusBudget: { maxChars: 500, mentionText: `${mentionOf(BOB)} ` },
  });
  if (!r.ok) throw new Error(r.reason);
  parts = [...r.value.statuses];
});

describe('review: crowding out one part of a multi-part message', () => {
  it('four page-made copies of part 2 seen first do not stop the genuine message from verifying', async () => {
    expect(parts.length).toBeGreaterThan(1);
    const genuine = parts.join('|');
    // Decryption as KeyServices does it: only the genuine chunks verify.
    const services: KeyServices = {
      checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
      encrypt: () => Promise.reject(new Error('unused')),
      decrypt: (_a, req): Promise<DecryptOutcome> =>
        Promise.resolve(
          req.chunks.map((c) => c.text).join('|') === genuine
            ? {
                ok: true,
                plaintext: 'a long message',
                sender: SENDER,
                recipients: [],
                messageId: '00',
                replyTo: null,
                createdAt: 1_800_000_000,
              }
            : { ok: false, reason: 'bad_signature', message: '' },
        ),
      senderTrust: (_a, s) =>
        Promise.resolve({ kind: 'verified' as const, acct: 'alice@a.test', fingerprint: s.fingerprint }),
      handlesOf: (_a, u) => Promise.resolve(u.map(() => 'alice@a.test')),
      sealLocal: (_a, d) => Promise.resolve(d),
      openLocal: (_a, d) => Promise.resolve(d),
      searchAccounts: () => Promise.resolve([]),
      contactList: () => Promise.resolve([]),
    };
    const r = new Reader({ services, area: memory(), now: () => Promise.resolve(1_800_000_100) });
    const second = parts[1] ?? '';
    const cps = Array.from(second);
    for (let i = 0; i < 4; i++) {
      const copy = [...cps];
      copy[cps.length - 3 - i] = copy[cps.length - 3 - i] === '\u4e00' ? '\u4e01' : '\u4e00';
      await r.open(account, seen(`9${i}`, copy.join('')));
    }
    await r.open(account, seen('S1', parts[0] ?? ''));
    for (let i = 1; i < parts.length; i++) await r.open(account, seen(`S${i + 1}`, parts[i] ?? ''));
    const view = await r.view(account, 'S1');
    console.log(
      `[review] genuine ${parts.length}-part message after 4 page-made copies of part 2: ${view.state} ${view.reason ?? ''}`,
    );
    expect(view.state).toBe('message');
  });
});
