/**
 * Independent review (attacker: the page). The status id of a view is whatever `data-id` the page
 * draws; the reader records the FIRST status id it sees a message under as the message's own,
 * persistently (replay memory, sealed store), and flags every other status id as "replayed".
 *
 * Attack: the moment alice's new message arrives, the page draws it once under an id of its
 * choosing (F: a status the instance does not have, or another one), then shows the real status
 * S. The genuine status S is then flagged "replayed" (a warning on a genuine message, which
 * stays after reloads and worker restarts), while the page's F reads clean. No status is created
 * or replayed on the server: the page alone does it, and can remove F at once.
 *
 * Secure behaviour asserted: the genuine status (the one the user's instance API says carries the
 * text) is not flagged as a replay of a page-invented status id. Failed before the fix (both
 * expectations); a replay the instance confirms is still flagged (second test).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecryptOutcome, KeyServices } from '../../src/background/services';
import type { StorageArea } from '../../src/background/overlay/message-store';
import { hushTextOf, Reader, type SeenStatus, type ServerStatusAnswer } from '../../src/background/overlay/reading';

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

const services: KeyServices = {
  checkRecipients: () => Promise.resolve({ account: 'ready' as const, recipients: [] }),
  encrypt: () => Promise.reject(new Error('unused')),
  decrypt: (): Promise<DecryptOutcome> =>
    Promise.resolve({
      ok: true,
      plaintext: 'meet at 6',
      sender: SENDER,
      recipients: [],
      messageId: '00',
      replyTo: null,
      createdAt: 1_800_000_000,
    }),
  senderTrust: (_a, s) =>
    Promise.resolve({ kind: 'verified' as const, acct: 'alice@a.test', fingerprint: s.fingerprint }),
  handlesOf: (_a, u) => Promise.resolve(u.map(() => 'alice@a.test')),
  sealLocal: (_a, d) => Promise.resolve(d),
  openLocal: (_a, d) => Promise.resolve(d),
  searchAccounts: () => Promise.resolve([]),
  contactList: () => Promise.resolve([]),
};

let text = '';
beforeAll(async () => {
  const { init, encryptMessage } = await import('../../src/protocol/index');
  const { ALICE, BOB, live, mentionOf, NOW } = await import('../vectors/fixtures');
  await init();
  const alice = live(ALICE);
  const bob = live(BOB);
  const r = encryptMessage({
    sender: { identity: alice.identity, chain: alice.chain },
    recipients: [bob.key],
    plaintext: 'meet at 6',
    now: NOW,
    statusBudget: { maxChars: 500, mentionText: `${mentionOf(BOB)} ` },
  });
  if (!r.ok) throw new Error(r.reason);
  text = r.value.statuses[0] ?? '';
});

describe('review: the page picks which status id is the "original"', () => {
  it('a genuine status is not flagged replayed because the page first drew its text under an invented id', async () => {
    const area = memory();
    // The user's instance: S is alice's status with this text; F does not exist.
    const api = (_a: unknown, id: string): Promise<ServerStatusAnswer> =>
      Promise.resolve(id === 'S' ? { inReplyToId: null, text: hushTextOf(text) } : 'gone');
    const r = new Reader({ services, area, now: () => Promise.resolve(1_800_000_100), serverStatus: api });
    // The page draws the new message once under F (a fabricated data-id) ...
    await r.open(account, seen('F', text));
    const fake = await r.view(account, 'F');
    // ... then the real status S.
    await r.open(account, seen('S', text));
    const real = await r.view(account, 'S');
    console.log(
      `[review] page-invented F: ${fake.state} flags ${JSON.stringify(fake.flags)}; genuine S: ${real.state} flags ${JSON.stringify(real.flags)}`,
    );
    expect(real.state).toBe('message');
    expect(real.flags.map((f) => f.kind)).not.toContain('replayed');
    // After a reload (a fresh reader over the same storage) the page shows only S: still no flag.
    const again = new Reader({ services, area, now: () => Promise.resolve(1_800_000_200), serverStatus: api });
    await again.open(account, seen('S', text));
    const later = await again.view(account, 'S');
    console.log(`[review] after reload, genuine S: ${later.state} flags ${JSON.stringify(later.flags)}`);
    expect(later.flags.map((f) => f.kind)).not.toContain('replayed');
  });

  it('a replay the instance confirms (both status ids carry the text) is still flagged, and so is one it cannot answer about', async () => {
    for (const answer of ['both', 'unavailable'] as const) {
      const api = (_a: unknown, id: string): Promise<ServerStatusAnswer> =>
        Promise.resolve(
          answer === 'unavailable'
            ? 'unavailable'
            : ['F', 'S'].includes(id)
              ? { inReplyToId: null, text: hushTextOf(text) }
              : 'gone',
        );
      const r = new Reader({ services, area: memory(), now: () => Promise.resolve(1_800_000_100), serverStatus: api });
      await r.open(account, seen('F', text));
      await r.view(account, 'F');
      await r.open(account, seen('S', text));
      const real = await r.view(account, 'S');
      expect(
        real.flags.map((f) => f.kind),
        answer,
      ).toContain('replayed');
    }
  });
});
